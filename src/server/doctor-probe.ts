// `relais doctor`'s probe (issue 14 §2): does the reverse proxy pass Relais anything that says who
// or where a client is? The doctor, on the server's machine with the server secret, asks
// GET /.well-known/relais/doctor through the public origin with a short-lived HMAC token; the
// Node entry answers, before the app strips the request, with the NAMES of the headers of that one
// request that Relais does not read — never a value, and for no other request: a resident's
// request is never looked at. Without a valid token the path answers 404 like any unknown one.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromBase64Url, toBase64Url, utf8 } from '../core/bytes.ts';

export const DOCTOR_PATH = '/.well-known/relais/doctor';
const TTL_MS = 120_000;

/** Headers any request may carry that say nothing about the client (what Relais reads, and hop-by-hop ones). */
const NEUTRAL = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'content-type',
  'content-length',
  'authorization',
  'accept',
  'accept-encoding',
]);

function mac(key: Uint8Array, expires: number): Uint8Array {
  return hmac(sha256, key, utf8(`relais-doctor|${expires}`));
}

export function doctorToken(key: Uint8Array, now: number): string {
  const expires = now + TTL_MS;
  return `${expires}.${toBase64Url(mac(key, expires))}`;
}

function validToken(key: Uint8Array, token: string, now: number): boolean {
  const m = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return false;
  const expires = Number(m[1]);
  if (expires < now || expires > now + TTL_MS) return false;
  try {
    return equalBytes(fromBase64Url(m[2] as string), mac(key, expires));
  } catch {
    return false;
  }
}

/** The probe's answer for a request to DOCTOR_PATH. */
export function doctorProbe(req: Request, key: Uint8Array, now: number): Response {
  const m = /^Doctor (.+)$/.exec(req.headers.get('Authorization') ?? '');
  const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  if (req.method !== 'GET' || !m || !validToken(key, m[1] as string, now))
    return new Response(JSON.stringify({ error: 'not_found', message: 'Nothing here.' }), { status: 404, headers });
  const names = [...new Set([...req.headers.keys()].map((k) => k.toLowerCase()))].filter((k) => !NEUTRAL.has(k)).sort();
  return new Response(JSON.stringify({ headers: names }), { status: 200, headers });
}
