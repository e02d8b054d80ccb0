// The custodians' and investigators' side of witness requests (DESIGN promise 6), shared by the
// CLI and the console: list witnesses, open an identity with one's own key, seal a disclosure to
// one police inbox with its review copy for the custodians, review one (decrypt the review copy
// and check it against the witness's own identity part), approve, refuse, withdraw, and, for
// investigators, fetch an approved identity.

import type * as openpgp from 'openpgp';
import { fromUtf8 } from '../core/bytes.ts';
import { openSealedPart, readPublicKeys } from '../core/seal.ts';
import { composeDisclosureText, parseDisclosureText, type DisclosureText } from '../core/witness-text.ts';
import { encryptedDigest, sealDisclosure } from '../core/witness-seal.ts';
import type { DisclosureState } from '../core/wire.ts';
import type { ReportStatus } from '../core/wire.ts';
import type { WitnessSummary } from '../core/wire.ts';
import type { ApiClient } from './api.ts';
import { sealedPartsForm } from './report-form.ts';
import { fetchSealedPart } from './staff.ts';

export interface DisclosureInfo {
  id: string;
  witness: string;
  ref: string;
  inbox: string;
  inboxName: string;
  requestedBy: string;
  requestedAt: number;
  state: DisclosureState;
  encryptedSha256: string;
  size: number;
  events: { action: Exclude<DisclosureState, 'pending'>; member: string; at: number }[];
}

export interface WitnessDetail {
  number: string;
  ref: string;
  category: string;
  receivedBucket: number;
  status: ReportStatus;
  identityPart: number | null;
  custodianKeys: string[];
  targets: { id: string; name: string; keys: string[]; allowed: boolean }[];
  disclosures: DisclosureInfo[];
}

export function listWitnesses(
  api: ApiClient,
  page = 1,
  perPage = 50,
): Promise<{ total: number; page: number; perPage: number; witnesses: WitnessSummary[] }> {
  return api.json('GET', `/api/v1/witnesses?page=${page}&perPage=${perPage}`);
}

export function getWitness(api: ApiClient, number: string): Promise<WitnessDetail> {
  return api.json('GET', `/api/v1/witnesses/${encodeURIComponent(number)}`);
}

export async function listDisclosures(
  api: ApiClient,
  filter: { ref?: string; witness?: string; state?: DisclosureState } = {},
): Promise<DisclosureInfo[]> {
  const qs = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string')).toString();
  return (await api.json<{ disclosures: DisclosureInfo[] }>('GET', `/api/v1/disclosures${qs ? `?${qs}` : ''}`)).disclosures;
}

export function getDisclosure(api: ApiClient, id: string): Promise<DisclosureInfo> {
  return api.json('GET', `/api/v1/disclosures/${encodeURIComponent(id)}`);
}

/** The witness's identity part, decrypted with the custodian's key (the fetch is logged). */
export async function openIdentity(api: ApiClient, detail: WitnessDetail, key: openpgp.PrivateKey): Promise<string> {
  if (detail.identityPart === null) throw new Error('this witness request has no identity part');
  const envelope = await openSealedPart(await fetchSealedPart(api, detail.ref, detail.identityPart), key);
  return fromUtf8(envelope.content);
}

/** Seals the identity with its justification to one police inbox (and the review copy), and asks. */
export async function requestDisclosure(
  api: ApiClient,
  detail: WitnessDetail,
  input: { inbox: string; basis: string; decision: string; identity: string },
): Promise<{ id: string; encryptedSha256: string }> {
  const target = detail.targets.find((t) => t.id === input.inbox);
  if (!target)
    throw new Error(
      `"${input.inbox}" is not a police inbox that received this testimony; possible: ${detail.targets.map((t) => t.id).join(', ') || 'none'}`,
    );
  const text = composeDisclosureText({
    witness: detail.number,
    report: detail.ref,
    inbox: target.id,
    basis: input.basis,
    decision: input.decision,
    identity: input.identity,
  });
  const { sealed, review } = await sealDisclosure(text, await readPublicKeys(target.keys), await readPublicKeys(detail.custodianKeys));
  const form = sealedPartsForm({ witness: detail.number, inbox: target.id, parts: ['disclosure', 'review'] }, [sealed, review]);
  return (await (await api.request('POST', '/api/v1/disclosures', form)).json()) as { id: string; encryptedSha256: string };
}

export interface Review {
  text: DisclosureText | null;
  /** digest of the encrypted packet that was decrypted: what an approval commits to */
  encryptedSha256: string;
  /** what does not match; empty when the disclosure is exactly the witness's identity, to the inbox asked */
  problems: ('unreadable' | 'witness' | 'report' | 'inbox' | 'identity' | 'digest')[];
}

/** Decrypts the review copy (logged) and checks it against the disclosure record and the identity part. */
export async function reviewDisclosure(api: ApiClient, d: DisclosureInfo, identity: string, key: openpgp.PrivateKey): Promise<Review> {
  const bytes = await api.bytes(`/api/v1/disclosures/${encodeURIComponent(d.id)}/review`);
  const encryptedSha256 = encryptedDigest(bytes);
  const envelope = await openSealedPart(bytes, key).catch(() => null);
  const text = envelope && envelope.kind === 'disclosure' ? parseDisclosureText(fromUtf8(envelope.content)) : null;
  const problems: Review['problems'] = [];
  if (!text) problems.push('unreadable');
  else {
    if (text.witness !== d.witness) problems.push('witness');
    if (text.report !== d.ref) problems.push('report');
    if (text.inbox !== d.inbox) problems.push('inbox');
    if (text.identity !== identity) problems.push('identity');
  }
  if (encryptedSha256 !== d.encryptedSha256) problems.push('digest');
  return { text, encryptedSha256, problems };
}

export async function decide(
  api: ApiClient,
  id: string,
  step: 'approve' | 'refuse' | 'withdraw',
  encryptedSha256?: string,
): Promise<{ id: string; state: DisclosureState }> {
  return api.json('POST', `/api/v1/disclosures/${encodeURIComponent(id)}/${step}`, step === 'approve' ? { encryptedSha256 } : {});
}

/** Investigators: the approved identity, sealed to their inbox (the fetch is logged). */
export function fetchDisclosed(api: ApiClient, id: string): Promise<Uint8Array> {
  return api.bytes(`/api/v1/disclosures/${encodeURIComponent(id)}/identity`);
}

export async function openDisclosed(api: ApiClient, id: string, key: openpgp.PrivateKey): Promise<DisclosureText | null> {
  const envelope = await openSealedPart(await fetchDisclosed(api, id), key);
  return parseDisclosureText(fromUtf8(envelope.content));
}
