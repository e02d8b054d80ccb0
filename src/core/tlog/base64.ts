// Strict standard base64 (RFC 4648 §4, with padding), as C2SP signed-note and tlog-checkpoint
// require for signatures, keys and root hashes.
//
// Strict means: only the standard alphabet, correct padding, no whitespace, and canonical
// (the unused low bits of the last character are zero), so each byte string has exactly one
// accepted encoding. Built on btoa/atob, which every target runtime has.

import { toBase64 } from '../bytes.ts';

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard padded base64 of `bytes`. */
export const base64Encode = toBase64;

/** Decodes strict canonical base64; returns null for anything else. */
export function base64Decode(text: string): Uint8Array | null {
  if (typeof text !== 'string' || !STRICT_BASE64.test(text)) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // Non-zero padding bits decode fine but re-encode differently: refuse them.
  return base64Encode(bytes) === text ? bytes : null;
}
