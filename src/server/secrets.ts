// The server's secrets. One random 32-byte server secret (a file or an environment variable,
// never in the config or the repository) is split with HKDF-SHA-256 (RFC 5869) into a key for
// proof-of-work challenges, login challenges, residents' follow-up tokens, no-JavaScript form
// tokens and `relais doctor`'s probe token, so none can stand in for another.

import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, utf8 } from '../core/bytes.ts';

export interface ServerSecrets {
  pow: Uint8Array;
  login: Uint8Array;
  followUp: Uint8Array;
  form: Uint8Array;
  /** `relais doctor`'s probe of what headers reach the server (doctor-probe.ts) */
  doctor: Uint8Array;
}

export function deriveSecrets(serverSecret: Uint8Array): ServerSecrets {
  if (serverSecret.length < 32) throw new Error('the server secret must be at least 32 bytes');
  return {
    pow: hkdf(sha256, serverSecret, undefined, utf8('relais proof-of-work v1'), 32),
    login: hkdf(sha256, serverSecret, undefined, utf8('relais staff login v1'), 32),
    followUp: hkdf(sha256, serverSecret, undefined, utf8('relais resident follow-up v1'), 32),
    form: hkdf(sha256, serverSecret, undefined, utf8('relais no-javascript form v1'), 32),
    doctor: hkdf(sha256, serverSecret, undefined, utf8('relais doctor probe v1'), 32),
  };
}

/** Reads a server secret written as base64 (what `relais demo` and the deploy guide produce). */
export function parseServerSecret(text: string): Uint8Array {
  const bytes = fromBase64(text.trim());
  if (bytes.length < 32) throw new Error('the server secret must be at least 32 bytes of base64');
  return bytes;
}
