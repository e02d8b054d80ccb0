// Who may do what with a witness's identity, and whether a disclosure's sealed parts are what
// they must be (DESIGN promise 6). A custodian acts on a witness only if the witness's identity was
// routed to one of their custody inboxes; a disclosure goes only to a police inbox the testimony
// was routed to; its `sealed` part must be sealed to exactly that inbox's members and its
// `review` part to exactly the custodians, both with the very same encrypted packet. The server
// reads key IDs and compares bytes; it never decrypts.

import type { ResolvedMember } from '../config/resolve.ts';
import { equalBytes } from '../core/bytes.ts';
import { splitSealed } from '../core/witness-seal.ts';
import type { DisclosureRecord } from '../store/disclosures.ts';
import type { Relais } from './context.ts';
import { ApiError } from './http.ts';
import { checkSealedPart, expectedMembers, maxSealedSize, membersOf } from './sealed-parts.ts';

/** Room for the disclosure header (witness, report, inbox, legal basis, decision) around the identity. */
const DISCLOSURE_HEADER_MAX = 2048;

export function isCustodianOf(member: ResolvedMember, identityInboxes: string[]): boolean {
  return member.roles.includes('custodian') && identityInboxes.some((id) => member.inboxes.includes(id));
}

/** The police inboxes a witness's testimony was routed to: the only possible disclosure targets. */
export async function disclosureTargets(relais: Relais, ref: string): Promise<string[]> {
  return (await relais.store.reports.routes(ref, 'main')).filter((id) => relais.config.inboxes.get(id)?.kind === 'police');
}

/** The custodians of a witness: the current members of the inboxes its identity was routed to. */
export async function custodiansOf(relais: Relais, ref: string): Promise<ResolvedMember[]> {
  return membersOf(relais.config, await relais.store.reports.routes(ref, 'identity')).members;
}

export function maxDisclosurePart(relais: Relais, recipients: number): number {
  return maxSealedSize(relais.config.config.limits.maxTextBytes + DISCLOSURE_HEADER_MAX, recipients);
}

/** Checks both parts of a disclosure request; throws ApiError naming the part. */
export function checkDisclosureParts(
  relais: Relais,
  sealed: Uint8Array,
  review: Uint8Array,
  investigators: ResolvedMember[],
  custodians: ResolvedMember[],
): void {
  checkSealedPart(sealed, expectedMembers(investigators), maxDisclosurePart(relais, investigators.length), 0);
  checkSealedPart(review, expectedMembers(custodians), maxDisclosurePart(relais, custodians.length), 1);
  if (!equalBytes(splitSealed(sealed).encrypted, splitSealed(review).encrypted)) {
    throw new ApiError(422, 'disclosure_mismatch', 'The review copy does not carry the same encrypted data as the disclosure.');
  }
}

/** Whether the sealed part still goes to exactly the inbox's current members (membership may have changed). */
export function stillSealedToInbox(relais: Relais, sealed: Uint8Array, inboxId: string): boolean {
  try {
    const members = membersOf(relais.config, [inboxId]).members;
    checkSealedPart(sealed, expectedMembers(members), Number.MAX_SAFE_INTEGER, 0);
    return members.length > 0;
  } catch (e) {
    if (e instanceof ApiError) return false;
    throw e;
  }
}

/** The refusal for a step the disclosure's current state does not allow. */
export function stateRefusal(d: DisclosureRecord, step: 'decide' | 'withdraw'): ApiError {
  if (d.state === 'fetched')
    return new ApiError(
      409,
      'disclosure_fetched',
      'This identity has already been fetched by the investigators; it can no longer be withdrawn.',
    );
  if (step === 'decide' && d.state === 'approved')
    return new ApiError(409, 'disclosure_not_pending', 'This disclosure has already been approved.');
  return new ApiError(409, 'disclosure_closed', 'This disclosure was refused or withdrawn.');
}
