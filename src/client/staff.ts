// Staff side of the client, shared by the CLI and the officer console: unlock a private key, log
// in by signing the server's challenge, list reports, fetch and open their sealed parts.

import * as openpgp from 'openpgp';
import type { ContentType, Envelope } from '../core/envelope.ts';
import { findCounter } from '../core/pow.ts';
import { openSealedPart, readPublicKeys, sealEnvelope } from '../core/seal.ts';
import type { Figures } from '../core/figures.ts';
import type { MessageInfo } from '../core/wire.ts';
import type { ReportSummary, PartInfo, ReportStatus } from '../core/wire.ts';
import type { ApiClient } from './api.ts';

export interface StaffMember {
  id: string;
  name: string;
  roles: string[];
  inboxes: string[];
  /** keys of this member or of members of their inboxes that expire within 30 days */
  keyWarnings?: { member: string; name: string; expires: string }[];
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
export async function login(
  api: ApiClient,
  privateKey: openpgp.PrivateKey,
  expectedOrigin: string,
  solve?: (token: string, bits: number) => Promise<number>,
): Promise<{ member: StaffMember; expires: number }> {
  const { challenge, text, bits } = await api.json<{ challenge: string; text: string; bits: number }>('POST', '/api/v1/session/challenge');
  const origin = /^origin: (.+)$/m.exec(text)?.[1];
  if (origin !== expectedOrigin)
    throw new Error(`the server asked to sign a login for ${origin ?? 'an unknown origin'}, not for ${expectedOrigin}`);
  const signature = await openpgp.sign({
    message: await openpgp.createMessage({ text }),
    signingKeys: privateKey,
    detached: true,
    format: 'armored',
  });
  const counter = (solve ?? ((t: string, b: number) => Promise.resolve(findCounter(t, b))))(challenge, bits);
  const session = await api.json<{ token: string; expires: number; member: StaffMember }>('POST', '/api/v1/session', {
    challenge,
    counter: await counter,
    signature,
  });
  api.token = session.token;
  return { member: session.member, expires: session.expires };
}

export async function logout(api: ApiClient): Promise<void> {
  await api.request('DELETE', '/api/v1/session');
  api.token = undefined;
}

export interface ReportList {
  total: number;
  /** the list has more than `total` reports (counting stops there) */
  totalCapped: boolean;
  page: number;
  perPage: number;
  reports: ReportSummary[];
}

export function listReports(
  api: ApiClient,
  query: {
    unread?: boolean;
    category?: string;
    status?: ReportStatus;
    view?: 'all' | 'open' | 'unread' | 'mine';
    sort?: 'received' | 'activity';
    /** a reference or witness number, or its first characters */
    q?: string;
    page?: number;
    perPage?: number;
  } = {},
): Promise<ReportList> {
  const params = new URLSearchParams();
  if (query.view && query.view !== 'all') params.set('view', query.view);
  if (query.sort && query.sort !== 'received') params.set('sort', query.sort);
  if (query.q) params.set('q', query.q);
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
  /** a witness request's W- number */
  witness: string | null;
  parts: PartInfo[];
  messages: MessageInfo[];
  /** the resident's reply key, if they can receive messages */
  replyKey: string | null;
  /** the current members of the inboxes the report was routed to */
  inboxKeys: string[];
  /** the last message index this member had opened before (-1: none) */
  seenUpTo: number;
  /** per inbox of yours the report was routed to: its assignee */
  assignees: Record<string, string | null>;
  /** per inbox of yours the report was routed to: the members it may be assigned to */
  inboxMembers: Record<string, { name: string; members: { id: string; name: string }[] }>;
}

export async function assignReport(api: ApiClient, ref: string, inbox: string, member: string | null): Promise<void> {
  await api.json('PUT', `/api/v1/reports/${encodeURIComponent(ref)}/assignee`, { inbox, member });
}

export async function setStatuses(api: ApiClient, refs: string[], status: ReportStatus): Promise<number> {
  return (await api.json<{ changed: number }>('POST', '/api/v1/reports/status', { refs, status })).changed;
}

export function getReport(api: ApiClient, ref: string): Promise<ReportDetail> {
  return api.json('GET', `/api/v1/reports/${encodeURIComponent(ref)}`);
}

/** `keepUnread`: the report stays unread until markRead (for a client that saves it first). */
export function fetchSealedPart(api: ApiClient, ref: string, idx: number, options: { keepUnread?: boolean } = {}): Promise<Uint8Array> {
  return api.bytes(`/api/v1/reports/${encodeURIComponent(ref)}/parts/${idx}${options.keepUnread ? '?keepUnread=1' : ''}`);
}

export async function markRead(api: ApiClient, ref: string): Promise<void> {
  await api.request('PUT', `/api/v1/reports/${encodeURIComponent(ref)}/read`);
}

export async function openPart(api: ApiClient, ref: string, idx: number, key: openpgp.PrivateKey): Promise<Envelope> {
  return openSealedPart(await fetchSealedPart(api, ref, idx), key);
}

export function fetchSealedMessage(api: ApiClient, ref: string, idx: number, options: { keepUnread?: boolean } = {}): Promise<Uint8Array> {
  return api.bytes(`/api/v1/reports/${encodeURIComponent(ref)}/messages/${idx}${options.keepUnread ? '?keepUnread=1' : ''}`);
}

export interface ReplyInput {
  /** a message the resident reads, or an internal note for the inbox only */
  text?: string;
  note?: boolean;
  status?: ReportStatus;
  attachments?: { contentType: ContentType; bytes: Uint8Array }[];
}

/**
 * Replies on a report: a message sealed to the resident's reply key and the inbox members, or a
 * note sealed to the inbox members only, optionally with a new status (the message is then the
 * explanation the resident sees).
 */
export async function reply(api: ApiClient, ref: string, input: ReplyInput): Promise<void> {
  const detail = await getReport(api, ref);
  const roles: string[] = [];
  const sealed: Uint8Array[] = [];
  if (input.text !== undefined) {
    const armored = input.note ? detail.inboxKeys : [...detail.inboxKeys, ...(detail.replyKey ? [detail.replyKey] : [])];
    if (!input.note && !detail.replyKey) throw new Error('this report has no reply key: the resident cannot receive messages');
    const keys = await readPublicKeys(armored);
    roles.push(input.note ? 'note' : 'message');
    sealed.push(
      await sealEnvelope(
        { kind: input.note ? 'note' : 'message', contentType: 'text/plain; charset=utf-8', content: new TextEncoder().encode(input.text) },
        keys,
      ),
    );
    for (const a of input.attachments ?? []) {
      roles.push('attachment');
      sealed.push(await sealEnvelope({ kind: 'attachment', contentType: a.contentType, content: a.bytes }, keys));
    }
  }
  const form = new FormData();
  form.set('meta', JSON.stringify({ parts: roles, ...(input.status ? { status: input.status } : {}) }));
  sealed.forEach((p, i) => form.set(`part-${i}`, new Blob([p as Uint8Array<ArrayBuffer>]), 'sealed'));
  await api.request('POST', `/api/v1/reports/${encodeURIComponent(ref)}/messages`, form);
}

/** The city's figures (analysts and auditors): counts under k come back as null. */
export function getFigures(api: ApiClient): Promise<Figures> {
  return api.json('GET', '/api/v1/figures');
}

export async function getFiguresCsv(api: ApiClient): Promise<string> {
  return (await api.request('GET', '/api/v1/figures.csv')).text();
}
