// C2SP tlog-cosignature (tlog-cosignature.md), Ed25519 "cosignature/v1": a witness's timestamped
// statement that a checkpoint is the largest consistent tree it has seen of that log (DESIGN
// promise 7: no fork, rollback or freeze unseen).
//
//   key ID         = SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4]
//   verifier key   = <name>+<8 hex key ID>+base64(0x04 || public key)        (a C2SP vkey)
//   signer key     = PRIVATE+KEY+<name>+<8 hex key ID>+base64(0x04 || seed)  (Relais' file form)
//   signed message = "cosignature/v1\n" || "time <T>\n" || checkpoint body (all its lines)
//   signature      = u64 big-endian T || 64-byte Ed25519 signature, as a note signature line
//
//   generateCosignerKey(name)            → { signerKey, verifierKey }  (crypto.getRandomValues)
//   parseCosignerKey(skey) / parseCosignerVerifier(vkey)
//   cosign(signer, body, timeSeconds)    → the note signature line "— name base64\n"
//   verifyCosignature(verifier, body, signature) → timestamp (seconds) or null
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Decode, base64Encode } from './base64.ts';
import { NoteError } from './errors.ts';
import { formatKeyId, isValidKeyName } from './note-keys.ts';
import type { NoteSignature } from './note.ts';

/** Signature type byte of Ed25519 cosignature/v1 in C2SP signed-note key IDs and vkeys. */
export const COSIGNATURE_V1_TYPE = 0x04;
const KEY_SIZE = 32;
const SIG_SIZE = 64;
/** Largest timestamp the spec allows (2^63 - 1), well beyond a safe integer: refuse above this. */
const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;
const encoder = new TextEncoder();

export interface CosignerVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly verifierKey: string;
  /** The timestamp of a valid cosignature of `body` (signature bytes after the key ID), else null. */
  verify(body: string, signature: Uint8Array): number | null;
}

export interface CosignerSigner {
  readonly name: string;
  readonly keyId: number;
  readonly verifierKey: string;
  /** The 72 signature bytes (timestamp || Ed25519 signature), without the key ID. */
  sign(body: string, timeSeconds: number): Uint8Array;
}

/** The C2SP key ID of an Ed25519 cosigner key. */
export function cosignerKeyId(name: string, publicKey: Uint8Array): number {
  if (!isValidKeyName(name)) throw new NoteError('malformed-key', 'invalid key name');
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== KEY_SIZE) throw new NoteError('malformed-key', 'a key is 32 bytes');
  const nameBytes = encoder.encode(name);
  const input = new Uint8Array(nameBytes.length + 2 + KEY_SIZE);
  input.set(nameBytes);
  input[nameBytes.length] = 0x0a;
  input[nameBytes.length + 1] = COSIGNATURE_V1_TYPE;
  input.set(publicKey, nameBytes.length + 2);
  return new DataView(sha256(input).buffer).getUint32(0, false);
}

/** The message a cosignature/v1 signs. */
export function cosignedMessage(body: string, timeSeconds: number): Uint8Array {
  if (!Number.isSafeInteger(timeSeconds) || timeSeconds < 0) throw new RangeError('the timestamp must be a non-negative integer');
  if (!body.endsWith('\n')) throw new TypeError('a checkpoint body ends with a newline');
  return encoder.encode(`cosignature/v1\ntime ${timeSeconds}\n${body}`);
}

function typed(key: Uint8Array): string {
  const out = new Uint8Array(1 + key.length);
  out[0] = COSIGNATURE_V1_TYPE;
  out.set(key, 1);
  return base64Encode(out);
}

function split(key: string, count: number): string[] {
  if (typeof key !== 'string') throw new NoteError('malformed-key', 'a key must be a string');
  const parts: string[] = [];
  let rest = key.trim();
  for (let i = 0; i < count - 1; i++) {
    const plus = rest.indexOf('+');
    if (plus < 0) throw new NoteError('malformed-key', 'a key has too few + separated fields');
    parts.push(rest.slice(0, plus));
    rest = rest.slice(plus + 1);
  }
  parts.push(rest);
  return parts;
}

function material(text: string | undefined): Uint8Array {
  const bytes = base64Decode(text ?? '');
  if (!bytes || bytes.length !== 1 + KEY_SIZE || bytes[0] !== COSIGNATURE_V1_TYPE) {
    throw new NoteError('malformed-key', 'key material must be base64 of 0x04 and 32 bytes (an Ed25519 cosignature/v1 key)');
  }
  return bytes.subarray(1);
}

function checkedId(name: string | undefined, idHex: string | undefined, publicKey: Uint8Array): { name: string; keyId: number } {
  if (!isValidKeyName(name)) throw new NoteError('malformed-key', 'invalid key name');
  if (!idHex || !/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('malformed-key', 'the key ID must be 8 lowercase hex digits');
  const keyId = cosignerKeyId(name, publicKey);
  if (formatKeyId(keyId) !== idHex) throw new NoteError('malformed-key', 'the key ID does not match the key');
  return { name, keyId };
}

export function encodeCosignerVerifier(name: string, publicKey: Uint8Array): string {
  return `${name}+${formatKeyId(cosignerKeyId(name, publicKey))}+${typed(publicKey)}`;
}

export function encodeCosignerKey(name: string, seed: Uint8Array): string {
  if (!(seed instanceof Uint8Array) || seed.length !== KEY_SIZE) throw new NoteError('malformed-key', 'a seed is 32 bytes');
  const keyId = cosignerKeyId(name, ed25519.getPublicKey(seed));
  return `PRIVATE+KEY+${name}+${formatKeyId(keyId)}+${typed(seed)}`;
}

export function generateCosignerKey(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) throw new NoteError('malformed-key', 'invalid key name');
  const seed = crypto.getRandomValues(new Uint8Array(KEY_SIZE));
  const signerKey = encodeCosignerKey(name, seed);
  seed.fill(0);
  return { signerKey, verifierKey: parseCosignerKey(signerKey).verifierKey };
}

export function parseCosignerVerifier(vkey: string): CosignerVerifier {
  const [nameField, idHex, keyText] = split(vkey, 3);
  const publicKey = material(keyText);
  if (!ed25519.utils.isValidPublicKey(publicKey, false)) throw new NoteError('malformed-key', 'not a valid Ed25519 point');
  const { name, keyId } = checkedId(nameField, idHex, publicKey);
  return {
    name,
    keyId,
    verifierKey: vkey.trim(),
    verify(body: string, signature: Uint8Array): number | null {
      if (!(signature instanceof Uint8Array) || signature.length !== 8 + SIG_SIZE) return null;
      const view = new DataView(signature.buffer, signature.byteOffset, 8);
      const time = view.getUint32(0, false) * 2 ** 32 + view.getUint32(4, false);
      if (time > MAX_TIMESTAMP) return null;
      try {
        return ed25519.verify(signature.subarray(8), cosignedMessage(body, time), publicKey, { zip215: false }) ? time : null;
      } catch {
        return null;
      }
    },
  };
}

export function parseCosignerKey(skey: string): CosignerSigner {
  const [p1, p2, nameField, idHex, keyText] = split(skey, 5);
  if (p1 !== 'PRIVATE' || p2 !== 'KEY') throw new NoteError('malformed-key', 'a signer key starts with PRIVATE+KEY+');
  const seed = material(keyText);
  const publicKey = ed25519.getPublicKey(seed);
  const { name, keyId } = checkedId(nameField, idHex, publicKey);
  return {
    name,
    keyId,
    verifierKey: encodeCosignerVerifier(name, publicKey),
    sign(body: string, timeSeconds: number): Uint8Array {
      const out = new Uint8Array(8 + SIG_SIZE);
      const view = new DataView(out.buffer);
      view.setUint32(0, Math.floor(timeSeconds / 2 ** 32), false);
      view.setUint32(4, timeSeconds % 2 ** 32, false);
      out.set(ed25519.sign(cosignedMessage(body, timeSeconds), seed), 8);
      return out;
    },
  };
}

/** The note signature line of a cosignature of `body` at `timeSeconds`. */
export function cosign(signer: CosignerSigner, body: string, timeSeconds: number): string {
  const sig = signer.sign(body, timeSeconds);
  const bytes = new Uint8Array(4 + sig.length);
  new DataView(bytes.buffer).setUint32(0, signer.keyId, false);
  bytes.set(sig, 4);
  return `\u2014 ${signer.name} ${base64Encode(bytes)}\n`;
}

/** The timestamp of a note signature if it is a valid cosignature of `body` by `verifier`, else null. */
export function verifyCosignature(verifier: CosignerVerifier, body: string, signature: NoteSignature): number | null {
  if (signature.name !== verifier.name || signature.keyId !== verifier.keyId) return null;
  const bytes = base64Decode(signature.base64);
  return bytes ? verifier.verify(body, bytes.subarray(4)) : null;
}

/** The timestamp carried by a cosignature/v1 signature (base64 of key ID || timestamp || sig), unverified. */
export function cosignatureTimestamp(base64: string): number | null {
  const bytes = base64Decode(base64);
  if (!bytes || bytes.length !== 4 + 8 + SIG_SIZE) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + 4, 8);
  const time = view.getUint32(0, false) * 2 ** 32 + view.getUint32(4, false);
  return time <= MAX_TIMESTAMP ? time : null;
}
