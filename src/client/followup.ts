// The resident's side of the conversation (DESIGN "Flows: Follow-up", promise 5), shared by the
// web page's worker and the CLI: make a receipt and a reply key when a report is sent; later,
// turn the receipt back into the lookup key and the passphrase, open the conversation, decrypt
// the replies, and seal new messages to the inbox and to the resident's own key.

import * as openpgp from 'openpgp';
import { toBase64Url } from '../core/bytes.ts';
import type { ContentType, Envelope } from '../core/envelope.ts';
import { solveChallenge } from '../core/pow.ts';
import { deriveReceiptSecrets, newReceipt } from '../core/receipt.ts';
import { generateResidentKey } from '../core/resident-key.ts';
import { openSealedPart, readPublicKeys, sealEnvelope } from '../core/seal.ts';
import type { MessageInfo } from '../core/wire.ts';
import type { ReportStatus } from '../core/wire.ts';
import type { ApiClient } from './api.ts';

export interface FollowUpSetup {
  receipt: string;
  meta: { lookupKey: string; publicKey: string; lockedKey: string };
}

/** A fresh receipt, and what the report's meta carries so that the resident can come back. */
export async function setUpFollowUp(): Promise<FollowUpSetup> {
  const receipt = newReceipt();
  const { lookupKey, passphrase } = deriveReceiptSecrets(receipt);
  const { publicKey, lockedKey } = await generateResidentKey(passphrase);
  return { receipt, meta: { lookupKey: toBase64Url(lookupKey), publicKey, lockedKey } };
}

export interface OpenedConversation {
  api: ApiClient;
  token: string;
  ref: string;
  category: string;
  status: ReportStatus;
  receivedBucket: number;
  key: openpgp.PrivateKey;
  publicKey: string;
  inboxKeys: string[];
  messages: MessageInfo[];
}

export interface DecryptedMessage extends MessageInfo {
  envelope: Envelope | null;
}

export type Solver = (challenge: string, onProgress: (tried: number, expected: number) => void) => Promise<number>;

/** Opens the conversation of a receipt; throws ApiClientError receipt_unknown for a wrong one. */
export async function openConversation(api: ApiClient, receipt: string, solve?: Solver): Promise<OpenedConversation> {
  const { lookupKey, passphrase } = deriveReceiptSecrets(receipt);
  const { challenge } = await api.challenge('lookup');
  const counter = solve ? await solve(challenge, () => {}) : solveChallenge(challenge);
  const opened = await api.json<Omit<OpenedConversation, 'api' | 'key'> & { lockedKey: string }>('POST', '/api/v1/followup/open', {
    lookupKey: toBase64Url(lookupKey),
    pow: { challenge, counter },
  });
  const locked = await openpgp.readPrivateKey({ armoredKey: opened.lockedKey });
  const key = await openpgp.decryptKey({ privateKey: locked, passphrase });
  return { ...opened, api, key };
}

export async function readMessages(c: OpenedConversation): Promise<DecryptedMessage[]> {
  const { api } = c;
  const list = await api.request('GET', '/api/v1/followup/messages', undefined, undefined, `Followup ${c.token}`);
  const { status, messages } = (await list.json()) as { status: ReportStatus; messages: MessageInfo[] };
  c.status = status;
  c.messages = messages;
  const out: DecryptedMessage[] = [];
  for (const m of messages) {
    if (m.size === 0) {
      out.push({ ...m, envelope: null });
      continue;
    }
    const res = await api.request('GET', `/api/v1/followup/messages/${m.idx}`, undefined, undefined, `Followup ${c.token}`);
    out.push({ ...m, envelope: await openSealedPart(new Uint8Array(await res.arrayBuffer()), c.key) });
  }
  return out;
}

export async function sendMessage(
  c: OpenedConversation,
  text: string,
  attachments: { contentType: ContentType; bytes: Uint8Array }[] = [],
): Promise<void> {
  const keys = await readPublicKeys([...c.inboxKeys, c.publicKey]);
  const parts = [
    await sealEnvelope({ kind: 'message', contentType: 'text/plain; charset=utf-8', content: new TextEncoder().encode(text) }, keys),
  ];
  for (const a of attachments) parts.push(await sealEnvelope({ kind: 'attachment', contentType: a.contentType, content: a.bytes }, keys));
  const form = new FormData();
  form.set('meta', JSON.stringify({ parts: ['message', ...attachments.map(() => 'attachment')] }));
  parts.forEach((p, i) => form.set(`part-${i}`, new Blob([p as Uint8Array<ArrayBuffer>]), 'sealed'));
  await c.api.request('POST', '/api/v1/followup/messages', form, undefined, `Followup ${c.token}`);
}
