// Files a report exactly as the resident's browser does (DESIGN "Flows: Tip"): seal the text and
// each attachment separately in a padded envelope to the category's keys, set up the receipt and
// reply key, solve the proof of work, post. sealReport() is the cryptographic half (run in a Web
// Worker by the page); submitReport() is the whole flow for the CLI.

import type * as openpgp from 'openpgp';
import type { ContentType } from '../core/envelope.ts';
import { solveChallenge } from '../core/pow.ts';
import { readPublicKeys, sealEnvelope } from '../core/seal.ts';
import type { PublicCategory, PublicConfig } from '../server/public-config.ts';
import { ApiClientError, type ApiClient } from './api.ts';
import { setUpFollowUp } from './followup.ts';
import { powHeader, reportForm, type SealedReport } from './report-form.ts';

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

export type SubmitStage = 'sealing' | 'receipt' | 'proof-of-work' | 'sending';

export interface SubmitOptions {
  /** set up the receipt and reply key (default true); the receipt is returned once */
  followUp?: boolean;
  onProgress?: (stage: SubmitStage, done: number, total: number) => void;
}

export async function keysFor(config: PublicConfig, fingerprints: string[]): Promise<openpgp.PublicKey[]> {
  return readPublicKeys(
    fingerprints.map((f) => {
      const armored = config.keys[f];
      if (!armored) throw new Error('the config lacks a key it routes to');
      return armored;
    }),
  );
}

export function findCategory(config: PublicConfig, id: string): PublicCategory {
  const category = config.categories.find((c) => c.id === id);
  if (!category) throw new Error(`unknown category "${id}"; known: ${config.categories.map((c) => c.id).join(', ')}`);
  if (!category.available)
    throw new Error(`category "${id}" is temporarily unavailable: nobody who reads it has a usable key at the moment`);
  return category;
}

const TEXT = 'text/plain; charset=utf-8';

/** Seals every part of a report and, unless told not to, makes the receipt and reply key. */
export async function sealReport(
  config: PublicConfig,
  input: ReportInput,
  options: SubmitOptions = {},
): Promise<{ report: SealedReport; receipt: string | null }> {
  const category = findCategory(config, input.category);
  const mainKeys = await keysFor(config, category.sealTo);
  const attachments = input.attachments ?? [];
  const total = 1 + attachments.length + (category.identitySealTo ? 1 : 0);
  let done = 0;
  const progress = () => options.onProgress?.('sealing', ++done, total);

  const roles: string[] = ['report'];
  const parts: Uint8Array[] = [
    await sealEnvelope({ kind: 'report', contentType: TEXT, content: new TextEncoder().encode(input.text) }, mainKeys),
  ];
  progress();
  if (category.identitySealTo) {
    if (!input.identity) throw new Error('a witness request needs the identity part');
    roles.push('identity');
    parts.push(
      await sealEnvelope(
        { kind: 'identity', contentType: TEXT, content: new TextEncoder().encode(input.identity) },
        await keysFor(config, category.identitySealTo),
      ),
    );
    progress();
  } else if (input.identity) {
    throw new Error('only witness categories take an identity part');
  }
  for (const a of attachments) {
    roles.push('attachment');
    parts.push(await sealEnvelope({ kind: 'attachment', contentType: a.contentType, content: a.bytes }, mainKeys));
    progress();
  }
  options.onProgress?.('receipt', 0, 1);
  const followUp = options.followUp === false ? null : await setUpFollowUp();
  options.onProgress?.('receipt', 1, 1);
  return {
    report: { category: category.id, configHash: config.hash, roles, parts, followUp: followUp?.meta ?? null },
    receipt: followUp?.receipt ?? null,
  };
}

/**
 * The whole flow. A config that changed in between (a member key expired, a new deployment) is
 * answered with stale_config: the config is fetched again and the report sealed again, once.
 */
export async function submitReport(
  api: ApiClient,
  input: ReportInput,
  options: SubmitOptions = {},
): Promise<{ ref: string; receipt: string | null; witness?: string }> {
  try {
    return await submitOnce(api, input, options);
  } catch (e) {
    if (!(e instanceof ApiClientError && e.code === 'stale_config')) throw e;
    return submitOnce(api, input, options);
  }
}

async function submitOnce(
  api: ApiClient,
  input: ReportInput,
  options: SubmitOptions,
): Promise<{ ref: string; receipt: string | null; witness?: string }> {
  const { report, receipt } = await sealReport(await api.config(), input, options);
  const { challenge } = await api.challenge('report');
  const counter = solveChallenge(challenge, (tried, expected) => options.onProgress?.('proof-of-work', tried, expected));
  options.onProgress?.('sending', 0, 1);
  const res = await api.request('POST', '/api/v1/reports', reportForm(report), undefined, undefined, powHeader({ challenge, counter }));
  options.onProgress?.('sending', 1, 1);
  const { ref, witness } = (await res.json()) as { ref: string; witness?: string };
  return { ref, receipt, ...(witness ? { witness } : {}) };
}
