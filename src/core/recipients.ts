// Compares the recipients of a sealed part with the routing (DESIGN promise 1): every member the
// category routes to must be a recipient exactly once (through any of their valid encryption
// keys), and nobody else may be. The server never decrypts anything to decide this; it reads
// only the key IDs of the PKESK packets (see openpgp-packets.ts).

import type { Recipient } from './openpgp-packets.ts';

export interface ExpectedRecipient {
  memberId: string;
  /** valid encryption key IDs of the member (16 hex) → public-key algorithm id */
  keyIds: Map<string, number>;
}

export type RecipientMismatch = 'recipients_missing' | 'recipients_unexpected' | 'recipients_duplicate';

export function checkRecipients(found: Recipient[], expected: ExpectedRecipient[]): RecipientMismatch | null {
  const owner = new Map<string, ExpectedRecipient>();
  for (const e of expected) for (const keyId of e.keyIds.keys()) owner.set(keyId, e);
  const covered = new Set<string>();
  for (const r of found) {
    const member = owner.get(r.keyId);
    if (!member || member.keyIds.get(r.keyId) !== r.algorithm) return 'recipients_unexpected';
    if (covered.has(member.memberId)) return 'recipients_duplicate';
    covered.add(member.memberId);
  }
  return covered.size === expected.length ? null : 'recipients_missing';
}
