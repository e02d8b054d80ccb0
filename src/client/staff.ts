// Staff side of the client, shared by the CLI and the officer console: unlock a private key, log
// in by signing the server's challenge, list reports, fetch and open their sealed parts.

import * as openpgp from 'openpgp';
import type { Envelope } from '../core/envelope.ts';
import { openSealedPart } from '../core/seal.ts';
import type { ReportSummary, PartInfo, ReportStatus } from '../store/reports.ts';
import type { ApiClient } from './api.ts';

export interface StaffMember {
  id: string;
  name: string;
  roles: string[];
  inboxes: string[];
}

export async function unlockPrivateKey(armored: string, passphrase: string): Promise<openpgp.PrivateKey> {
  const key = await openpgp.readPrivateKey({ armoredKey: armored });
  return key.isDecrypted() ? key : openpgp.decryptKey({ privateKey: key, passphrase });
}

/**
 * Logs in by signing the server's challenge. The challenge names the origin it is for; it must be
 * the origin we are talking to, or a hostile server could relay another Relais' challenge and
 * log in there with our signature.
 */
export async function login(api: ApiClient, privateKey: openpgp.PrivateKey, expectedOrigin: string): Promise<{ member: StaffMember; expires: number }> {
  const { challenge, text } = await api.json<{ challenge: string; text: string }>('POST', '/api/v1/session/challenge');
  const origin = /^origin: (.+)$/m.exec(text)?.[1];
  if (origin !== expectedOrigin) throw new Error(`the server asked to sign a login for ${origin ?? 'an unknown origin'}, not for ${expectedOrigin}`);
  const signature = await openpgp.sign({ message: await openpgp.createMessage({ text }), signingKeys: privateKey, detached: true, format: 'armored' });
  const session = await api.json<{ token: string; expires: number; member: StaffMember }>('POST', '/api/v1/session', { challenge, signature });
  api.token = session.token;
  return { member: session.member, expires: session.expires };
}

export async function logout(api: ApiClient): Promise<void> {
  await api.request('DELETE', '/api/v1/session');
  api.token = undefined;
}

export interface ReportList {
  total: number;
  page: number;
  perPage: number;
  reports: ReportSummary[];
}

export function listReports(api: ApiClient, query: { unread?: boolean; category?: string; status?: ReportStatus; page?: number; perPage?: number } = {}): Promise<ReportList> {
  const params = new URLSearchParams();
  if (query.unread) params.set('unread', '1');
  if (query.category) params.set('category', query.category);
  if (query.status) params.set('status', query.status);
  if (query.page) params.set('page', String(query.page));
  if (query.perPage) params.set('perPage', String(query.perPage));
  const qs = params.toString();
  return api.json('GET', `/api/v1/reports${qs ? `?${qs}` : ''}`);
}

export interface ReportDetail {
  ref: string;
  category: string;
  receivedBucket: number;
  status: ReportStatus;
  parts: PartInfo[];
}

export function getReport(api: ApiClient, ref: string): Promise<ReportDetail> {
  return api.json('GET', `/api/v1/reports/${encodeURIComponent(ref)}`);
}

export function fetchSealedPart(api: ApiClient, ref: string, idx: number): Promise<Uint8Array> {
  return api.bytes(`/api/v1/reports/${encodeURIComponent(ref)}/parts/${idx}`);
}

export async function openPart(api: ApiClient, ref: string, idx: number, key: openpgp.PrivateKey): Promise<Envelope> {
  return openSealedPart(await fetchSealedPart(api, ref, idx), key);
}
