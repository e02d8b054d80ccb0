// Checks one sealed part against the people it must be sealed to (DESIGN promise 1): size within
// the limit for its kind, a well-formed PKESK…SEIPD v1 message, and recipients exactly the
// expected members (each once) — plus, for the follow-up conversation, the resident's reply key.

import * as openpgp from 'openpgp';
import type { RecipientSet, ResolvedConfig, ResolvedMember } from '../config/resolve.ts';
import { inspectSealedPart, inspectSealedPrefix, PacketError } from '../core/openpgp-packets.ts';
import { padmeLength } from '../core/padme.ts';
import { checkRecipients, type ExpectedRecipient } from '../core/recipients.ts';
import { ApiError } from './http.ts';
import type { PartPlan } from './sealed-form.ts';

/** Header, envelope and packet framing around the padded plaintext, plus one PKESK per key. */
const SEAL_OVERHEAD = 1024;
const PKESK_MAX = 600;

/** Largest sealed size a part holding `plainMax` bytes can have with `recipients` keys. */
export function maxSealedSize(plainMax: number, recipients: number): number {
  return padmeLength(plainMax + 256) + SEAL_OVERHEAD + PKESK_MAX * recipients;
}

/** Largest body of a conversation message: its text and attachments, sealed to many keys. */
export function maxMessageBody(limits: { maxReportBytes: number; maxTextBytes: number }): number {
  return maxSealedSize(limits.maxReportBytes + limits.maxTextBytes, 64) + 96 * 1024;
}

export function expectedMembers(members: ResolvedMember[]): ExpectedRecipient[] {
  return members.map((m) => ({ memberId: m.id, keyIds: new Map(m.encryptionKeyIds.map((k) => [k.keyId, k.algorithm])) }));
}

/** The current members of some inboxes (a report's stored routes), each once. */
export function membersOf(config: ResolvedConfig, inboxIds: string[]): RecipientSet {
  const members = new Map<string, ResolvedMember>();
  for (const id of inboxIds) {
    for (const m of config.inboxes.get(id)?.members ?? []) {
      const member = config.staff.get(m.id);
      if (member) members.set(member.id, member);
    }
  }
  return { inboxes: inboxIds, members: [...members.values()] };
}

/** The resident's reply key as an expected recipient (every valid encryption key it has). */
export async function expectedResident(armored: string, now: Date): Promise<ExpectedRecipient> {
  const key = await openpgp.readKey({ armoredKey: armored });
  const keyIds = new Map<string, number>();
  for (const candidate of [key, ...key.subkeys]) {
    const usable = await key.getEncryptionKey(candidate.getKeyID(), now).then(
      () => true,
      () => false,
    );
    if (usable) keyIds.set(candidate.getKeyID().toHex(), 18);
  }
  return { memberId: 'resident', keyIds };
}

function packetRefusal(e: unknown, index: number): unknown {
  if (e instanceof PacketError)
    return new ApiError(422, `part_${e.code}`, `A part is not a sealed OpenPGP message Relais accepts: ${e.message}.`, { part: index });
  return e;
}

export function checkSealedPart(bytes: Uint8Array, expected: ExpectedRecipient[], maxBytes: number, index: number): void {
  if (bytes.length > maxBytes) throw new ApiError(413, 'part_too_large', 'A part is larger than allowed.', { part: index });
  let info: ReturnType<typeof inspectSealedPart>;
  try {
    info = inspectSealedPart(bytes);
  } catch (e) {
    throw packetRefusal(e, index);
  }
  const mismatch = checkRecipients(info.recipients, expected);
  if (mismatch) throw new ApiError(422, mismatch, 'A part is not sealed to exactly the keys it must be sealed to.', { part: index });
}

/** The same check on a part's first bytes; true once it has passed, false while it needs more. */
export function checkSealedPrefix(prefix: Uint8Array, expected: ExpectedRecipient[], index: number): boolean {
  let recipients: ReturnType<typeof inspectSealedPrefix>;
  try {
    recipients = inspectSealedPrefix(prefix);
  } catch (e) {
    throw packetRefusal(e, index);
  }
  if (!recipients) return false;
  const mismatch = checkRecipients(recipients, expected);
  if (mismatch) throw new ApiError(422, mismatch, 'A part is not sealed to exactly the keys it must be sealed to.', { part: index });
  return true;
}

/**
 * How to read the sealed parts of a form: part i within `maxBytes(i)`, sealed to exactly
 * `expected(i)`, checked from its first bytes on and again whole; `after` adds a check per part.
 */
export function sealedPartsPlan(
  maxBytes: (index: number) => number,
  expected: (index: number) => ExpectedRecipient[],
  after?: (index: number, bytes: Uint8Array) => void,
): PartPlan {
  return {
    maxBytes,
    probe: (i, prefix) => checkSealedPrefix(prefix, expected(i), i),
    check: (i, bytes) => {
      checkSealedPart(bytes, expected(i), maxBytes(i), i);
      after?.(i, bytes);
    },
  };
}
