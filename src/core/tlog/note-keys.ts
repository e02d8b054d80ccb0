// Ed25519 keys for C2SP signed notes (signed-note.md, "Verifier keys" and "Ed25519
// signatures"), with the signer key encoding of Go's golang.org/x/mod/sumdb/note.
//
//   key ID        = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4], big-endian uint32
//   verifier key  = <name>+<8 lowercase hex key ID>+<base64(0x01 || public key)>
//   signer key    = PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 || 32-byte seed)>
//
// Key names must be non-empty, well-formed Unicode, without white space, '+' or control
// characters. The signer key is a secret: anyone holding it signs as the log.
//
//   generateSignerKey(name)            → { signerKey, verifierKey }  (crypto.getRandomValues)
//   encodeSignerKey(name, seed)        → signer key string           (deterministic, for tests)
//   encodeVerifierKey(name, publicKey) → verifier key string
//   parseSignerKey(skey)               → NoteSigner    (throws NoteError 'malformed-key')
//   parseVerifierKey(vkey)             → NoteVerifier  (throws NoteError 'malformed-key')
//   noteKeyId(name, publicKey)         → number
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Decode, base64Encode } from './base64.ts';
import { NoteError } from './errors.ts';

/** Signature type byte of Ed25519 in C2SP signed-note. */
export const ED25519_SIGNATURE_TYPE = 0x01;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;

/** Checks signatures by one key. */
export interface NoteVerifier {
  readonly name: string;
  /** uint32 key ID (first four bytes of the key hash, big-endian). */
  readonly keyId: number;
  /** This key's verifier key string. */
  readonly verifierKey: string;
  /** True iff `signature` (without the 4-byte key ID) is this key's signature of `message`. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Signs notes with one key. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The matching verifier key string, to publish. */
  readonly verifierKey: string;
  /** The signature of `message` (without the key ID prefix). */
  sign(message: Uint8Array): Uint8Array;
}

const WHITE_SPACE_OR_PLUS = /[\p{White_Space}+]/u;
// C0 controls and DEL; also refuses lone surrogates via the round trip in isValidKeyName.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** True iff `name` is a valid key name: non-empty, no white space, '+' or control characters. */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !WHITE_SPACE_OR_PLUS.test(name) &&
    !CONTROL.test(name) &&
    new TextDecoder().decode(new TextEncoder().encode(name)) === name
  );
}

/** The C2SP key ID of an Ed25519 public key under `name`. */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  if (!isValidKeyName(name)) throw new NoteError('malformed-key', 'invalid key name');
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_KEY_SIZE) {
    throw new NoteError('malformed-key', 'an Ed25519 public key is 32 bytes');
  }
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(nameBytes.length + 2 + ED25519_KEY_SIZE);
  input.set(nameBytes, 0);
  input[nameBytes.length] = 0x0a;
  input[nameBytes.length + 1] = ED25519_SIGNATURE_TYPE;
  input.set(publicKey, nameBytes.length + 2);
  const digest = sha256(input);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, false);
}

/** Formats a key ID as 8 lowercase hex digits. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** The verifier key string for an Ed25519 public key. */
export function encodeVerifierKey(name: string, publicKey: Uint8Array): string {
  const keyId = noteKeyId(name, publicKey);
  return `${name}+${formatKeyId(keyId)}+${base64Encode(withType(publicKey))}`;
}

/** The signer key string for an Ed25519 seed (the 32-byte RFC 8032 private key). */
export function encodeSignerKey(name: string, seed: Uint8Array): string {
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_KEY_SIZE) {
    throw new NoteError('malformed-key', 'an Ed25519 seed is 32 bytes');
  }
  const keyId = noteKeyId(name, ed25519.getPublicKey(seed));
  return `PRIVATE+KEY+${name}+${formatKeyId(keyId)}+${base64Encode(withType(seed))}`;
}

/** A new random key pair; the seed comes from crypto.getRandomValues only. */
export function generateSignerKey(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) throw new NoteError('malformed-key', 'invalid key name');
  const seed = crypto.getRandomValues(new Uint8Array(ED25519_KEY_SIZE));
  const signerKey = encodeSignerKey(name, seed);
  seed.fill(0);
  return { signerKey, verifierKey: parseSignerKey(signerKey).verifierKey };
}

/** Parses a verifier key string; throws NoteError('malformed-key') on any defect. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [nameField, keyIdHex, keyBase64] = splitKey(vkey, 3);
  const name = checkedName(nameField);
  const publicKey = parseKeyMaterial(keyBase64);
  if (!ed25519.utils.isValidPublicKey(publicKey, false)) {
    throw new NoteError('malformed-key', 'the public key is not a valid Ed25519 point');
  }
  const keyId = checkedKeyId(name, keyIdHex, publicKey);
  return {
    name,
    keyId,
    verifierKey: vkey,
    verify(message: Uint8Array, signature: Uint8Array): boolean {
      if (!(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
      if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
      try {
        // zip215: false is RFC 8032's strict verification (canonical encodings only).
        return ed25519.verify(signature, message, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

/** Parses a signer key string; throws NoteError('malformed-key') on any defect. */
export function parseSignerKey(skey: string): NoteSigner {
  const [private1, private2, nameField, keyIdHex, keyBase64] = splitKey(skey, 5);
  if (private1 !== 'PRIVATE' || private2 !== 'KEY') {
    throw new NoteError('malformed-key', 'a signer key starts with PRIVATE+KEY+');
  }
  const name = checkedName(nameField);
  const seed = parseKeyMaterial(keyBase64);
  const publicKey = ed25519.getPublicKey(seed);
  const keyId = checkedKeyId(name, keyIdHex, publicKey);
  const verifierKey = encodeVerifierKey(name, publicKey);
  return {
    name,
    keyId,
    verifierKey,
    sign(message: Uint8Array): Uint8Array {
      if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
      return ed25519.sign(message, seed);
    },
  };
}

// Splits at the first count-1 '+' characters: the last part is base64, which may contain '+'.
function splitKey(key: string, count: number): string[] {
  if (typeof key !== 'string') throw new NoteError('malformed-key', 'a key must be a string');
  const parts: string[] = [];
  let rest = key;
  for (let i = 0; i < count - 1; i++) {
    const plus = rest.indexOf('+');
    if (plus < 0) throw new NoteError('malformed-key', 'a key has too few + separated fields');
    parts.push(rest.slice(0, plus));
    rest = rest.slice(plus + 1);
  }
  parts.push(rest);
  return parts;
}

function parseKeyMaterial(keyBase64: string | undefined): Uint8Array {
  const bytes = base64Decode(keyBase64 ?? '');
  if (bytes === null || bytes.length !== 1 + ED25519_KEY_SIZE) {
    throw new NoteError('malformed-key', 'key material must be base64 of 33 bytes');
  }
  if (bytes[0] !== ED25519_SIGNATURE_TYPE) {
    throw new NoteError('malformed-key', 'unsupported signature type (only Ed25519, 0x01)');
  }
  return bytes.subarray(1);
}

function checkedName(name: string | undefined): string {
  if (!isValidKeyName(name)) throw new NoteError('malformed-key', 'invalid key name');
  return name;
}

function checkedKeyId(name: string, keyIdHex: string | undefined, publicKey: Uint8Array): number {
  if (keyIdHex === undefined || !/^[0-9a-f]{8}$/.test(keyIdHex)) {
    throw new NoteError('malformed-key', 'the key ID must be 8 lowercase hex digits');
  }
  const keyId = noteKeyId(name, publicKey);
  if (formatKeyId(keyId) !== keyIdHex) throw new NoteError('malformed-key', 'the key ID does not match the key');
  return keyId;
}

function withType(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = ED25519_SIGNATURE_TYPE;
  out.set(key, 1);
  return out;
}
