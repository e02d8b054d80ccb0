// Files a report exactly as the resident's browser does (DESIGN "Flows: Tip"): fetch the config,
// seal the text and each attachment separately in a padded envelope to the category's keys,
// solve the proof of work, post. Shared by `relais submit` and the web form.

import type * as openpgp from 'openpgp';
import type { ContentType } from '../core/envelope.ts';
import { solveChallenge } from '../core/pow.ts';
import { readPublicKeys, sealEnvelope } from '../core/seal.ts';
import type { PublicCategory, PublicConfig } from '../server/public-config.ts';
import type { ApiClient } from './api.ts';
import { setUpFollowUp } from './followup.ts';

export interface AttachmentInput {
  contentType: ContentType;
  bytes: Uint8Array;
}

export interface ReportInput {
  category: string;
  text: string;
  attachments?: AttachmentInput[];
  /** witness requests only: who the witness is and how to reach them safely */
  identity?: string;
}

export type SubmitStage = 'sealing' | 'proof-of-work' | 'sending';

export interface SubmitOptions {
  /** set up the receipt and reply key (default true); the receipt is returned once */
  followUp?: boolean;
  onProgress?: (stage: SubmitStage, done: number, total: number) => void;
  /** solves the proof of work; the browser passes one that runs in a Web Worker */
  solve?: (challenge: string, onProgress: (tried: number, expected: number) => void) => Promise<number>;
}

export async function keysFor(config: PublicConfig, fingerprints: string[]): Promise<openpgp.PublicKey[]> {
  return readPublicKeys(fingerprints.map((f) => {
    const armored = config.keys[f];
    if (!armored) throw new Error('the config lacks a key it routes to');
    return armored;
  }));
}

export function findCategory(config: PublicConfig, id: string): PublicCategory {
  const category = config.categories.find((c) => c.id === id);
  if (!category) throw new Error(`unknown category "${id}"; known: ${config.categories.map((c) => c.id).join(', ')}`);
  return category;
}

export async function submitReport(api: ApiClient, input: ReportInput, options: SubmitOptions = {}): Promise<{ ref: string; receipt: string | null }> {
  const config = await api.config();
  const category = findCategory(config, input.category);
  const mainKeys = await keysFor(config, category.sealTo);
  const attachments = input.attachments ?? [];
  const total = 1 + attachments.length + (category.identitySealTo ? 1 : 0);
  let done = 0;
  const progress = () => options.onProgress?.('sealing', ++done, total);

  const roles: string[] = ['report'];
  const sealed: Uint8Array[] = [await sealEnvelope({ kind: 'report', contentType: 'text/plain; charset=utf-8', content: new TextEncoder().encode(input.text) }, mainKeys)];
  progress();
  if (category.identitySealTo) {
    if (!input.identity) throw new Error('a witness request needs the identity part');
    roles.push('identity');
    sealed.push(await sealEnvelope({ kind: 'identity', contentType: 'text/plain; charset=utf-8', content: new TextEncoder().encode(input.identity) }, await keysFor(config, category.identitySealTo)));
    progress();
  } else if (input.identity) {
    throw new Error('only witness categories take an identity part');
  }
  for (const a of attachments) {
    roles.push('attachment');
    sealed.push(await sealEnvelope({ kind: 'attachment', contentType: a.contentType, content: a.bytes }, mainKeys));
    progress();
  }

  const followUp = options.followUp === false ? null : await setUpFollowUp();
  const { challenge } = await api.challenge('report');
  const onPow = (tried: number, expected: number) => options.onProgress?.('proof-of-work', tried, expected);
  const counter = options.solve ? await options.solve(challenge, onPow) : solveChallenge(challenge, onPow);

  const form = new FormData();
  form.set('meta', JSON.stringify({ category: category.id, configHash: config.hash, pow: { challenge, counter }, parts: roles, ...(followUp ? { followUp: followUp.meta } : {}) }));
  sealed.forEach((bytes, i) => form.set(`part-${i}`, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), 'sealed'));
  options.onProgress?.('sending', 0, 1);
  const res = await api.request('POST', '/api/v1/reports', form);
  options.onProgress?.('sending', 1, 1);
  const { ref } = (await res.json()) as { ref: string };
  return { ref, receipt: followUp?.receipt ?? null };
}
