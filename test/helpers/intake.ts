// Builds report submissions by hand (sealing, proof of work, multipart), so that tests can bend
// any one piece of an otherwise valid request.

import * as openpgp from 'openpgp';
import { utf8 } from '../../src/core/bytes.ts';
import type { Envelope } from '../../src/core/envelope.ts';
import { solveChallenge } from '../../src/core/pow.ts';
import { sealEnvelope } from '../../src/core/seal.ts';
import type { PublicConfig } from '../../src/server/public-config.ts';

export interface Submission {
  meta: { category: string; configHash: string; pow: { challenge: string; counter: number }; parts: string[] };
  parts: Uint8Array[];
}

export async function publicConfigOf(url: string): Promise<PublicConfig> {
  return (await (await fetch(`${url}/api/v1/config`)).json()) as PublicConfig;
}

export async function solvedPow(url: string, purpose: 'report' | 'lookup' = 'report'): Promise<{ challenge: string; counter: number }> {
  const res = await fetch(`${url}/api/v1/challenges`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ purpose }),
  });
  const { challenge } = (await res.json()) as { challenge: string };
  return { challenge, counter: solveChallenge(challenge) };
}

export async function keysOf(config: PublicConfig, fingerprints: string[]): Promise<openpgp.PublicKey[]> {
  return Promise.all(fingerprints.map((f) => openpgp.readKey({ armoredKey: config.keys[f] as string })));
}

export function textEnvelope(text: string, kind: Envelope['kind'] = 'report'): Envelope {
  return { kind, contentType: 'text/plain; charset=utf-8', content: utf8(text) };
}

/** A valid submission for `category`, sealed to exactly the routed keys. */
export async function validSubmission(url: string, category = 'trafic', text = 'rapport de test'): Promise<Submission> {
  const config = await publicConfigOf(url);
  const c = config.categories.find((k) => k.id === category);
  if (!c) throw new Error(`no category ${category}`);
  const parts = [await sealEnvelope(textEnvelope(text), await keysOf(config, c.sealTo))];
  const roles = ['report'];
  if (c.identitySealTo) {
    parts.push(await sealEnvelope(textEnvelope('identité', 'identity'), await keysOf(config, c.identitySealTo)));
    roles.push('identity');
  }
  return { meta: { category, configHash: config.hash, pow: await solvedPow(url), parts: roles }, parts };
}

/** The body of a submission: its meta without the proof of work, which goes in the header (powHeaders). */
export function formOf(s: Submission): FormData {
  const { pow: _pow, ...meta } = s.meta;
  const form = new FormData();
  form.set('meta', JSON.stringify(meta));
  s.parts.forEach((p, i) => form.set(`part-${i}`, new Blob([p as Uint8Array<ArrayBuffer>]), 'sealed'));
  return form;
}

/** The Relais-Pow header of a submission. */
export function powHeaders(s: Submission): Record<string, string> {
  return { 'Relais-Pow': `${s.meta.pow.challenge}:${s.meta.pow.counter}` };
}

export async function send(
  url: string,
  s: Submission | FormData,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = s instanceof FormData ? s : formOf(s);
  const all = s instanceof FormData ? headers : { ...powHeaders(s), ...headers };
  const res = await fetch(`${url}/api/v1/reports`, { method: 'POST', body: form, headers: all });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body };
}
