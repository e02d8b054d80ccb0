// C2SP signed notes (signed-note.md): sign a text, and open a signed note strictly.
//
//   <text ending in "\n">
//   <blank line>
//   — <key name> <base64(4-byte key ID || signature)>\n     (one or more; "—" is U+2014)
//
//   signNote(text, signers, keep?)   → the signed note (string)
//   openNote(message, verifiers)     → { text, signatures, unverifiedSignatures }
//
// openNote refuses (NoteError) rather than repairs. 'malformed-note': more than
// MAX_NOTE_BYTES, not UTF-8, a control character other than newline, no blank line before the
// signatures, a signature line that is not "— name base64" with a valid name and strict
// base64 of ≥ 5 bytes, more than MAX_NOTE_SIGNATURES lines, or two lines with the same key
// (name and key ID). 'invalid-signature': a known key's signature fails (the whole note is
// refused, as the spec recommends). 'unverified-note': no known key signed it; signatures of
// unknown keys are otherwise ignored (kept in unverifiedSignatures), as the spec requires.
import { base64Decode, base64Encode } from './base64.ts';
import { NoteError } from './errors.ts';
import { formatKeyId, isValidKeyName, type NoteSigner, type NoteVerifier } from './note-keys.ts';

/** Largest signed note accepted, in bytes (room for 16+ post-quantum cosignatures). */
export const MAX_NOTE_BYTES = 256 * 1024;
/** Largest number of signature lines accepted (the spec requires at least 16). */
export const MAX_NOTE_SIGNATURES = 100;

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** base64(key ID || signature), exactly as in the note. */
  readonly base64: string;
}

/** A note that opened successfully: at least one known key's signature verified. */
export interface OpenedNote {
  /** The signed text, including its final newline. */
  readonly text: string;
  /** Signatures by known keys, all verified, in note order. */
  readonly signatures: readonly NoteSignature[];
  /** Signatures by keys not among the verifiers (not checked), in note order. */
  readonly unverifiedSignatures: readonly NoteSignature[];
}

const SIGNATURE_PREFIX = '\u2014 ';
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Signs `text` (which must end in "\n" and contain no control character but newline) with each
 * signer. `keep` are signature lines to carry over, e.g. from openNote when cosigning; one by a
 * key that also signs now is replaced. Returns the signed note.
 */
export function signNote(text: string, signers: readonly NoteSigner[], keep: readonly NoteSignature[] = []): string {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new NoteError('malformed-note', 'note text must end with a newline');
  }
  checkWellFormedText(text);
  if (!Array.isArray(signers) || !Array.isArray(keep)) throw new TypeError('signers and keep must be arrays');
  if (signers.length + keep.length === 0) throw new NoteError('malformed-note', 'a note needs a signature');
  const textBytes = utf8Encoder.encode(text);

  const seen = new Set<string>();
  const lines: string[] = [];
  const newLines: string[] = [];
  for (const signer of signers) {
    if (!isValidKeyName(signer.name)) throw new NoteError('malformed-key', 'invalid signer name');
    const key = keyOf(signer.name, signer.keyId);
    if (seen.has(key)) throw new NoteError('ambiguous-key', 'two signers share a name and key ID');
    seen.add(key);
    const signature = signer.sign(textBytes);
    const body = new Uint8Array(4 + signature.length);
    new DataView(body.buffer).setUint32(0, signer.keyId, false);
    body.set(signature, 4);
    newLines.push(`${SIGNATURE_PREFIX}${signer.name} ${base64Encode(body)}\n`);
  }
  for (const old of keep) {
    checkSignatureLine(old);
    const key = keyOf(old.name, old.keyId);
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`${SIGNATURE_PREFIX}${old.name} ${old.base64}\n`);
  }
  const note = `${text}\n${lines.join('')}${newLines.join('')}`;
  if (lines.length + newLines.length > MAX_NOTE_SIGNATURES || utf8Encoder.encode(note).length > MAX_NOTE_BYTES) {
    throw new NoteError('malformed-note', 'the signed note would be too large to open');
  }
  return note;
}

/** Opens a signed note, verifying every signature by a key in `verifiers`. Throws NoteError. */
export function openNote(message: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const known = indexVerifiers(verifiers);
  const note = decodeMessage(message);

  // The text runs to the last blank line; the signature block follows it.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed-note', 'no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) {
    throw new NoteError('malformed-note', 'the signature block must be non-empty lines ending in newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new NoteError('malformed-note', 'too many signatures');

  const textBytes = utf8Encoder.encode(text);
  const seen = new Set<string>();
  const signatures: NoteSignature[] = [];
  const unverifiedSignatures: NoteSignature[] = [];
  for (const line of lines) {
    const { signature, sigBytes } = parseSignatureLine(line);
    const key = keyOf(signature.name, signature.keyId);
    if (seen.has(key)) throw new NoteError('malformed-note', 'two signature lines by the same key');
    seen.add(key);
    const verifier = known.get(key);
    if (verifier === undefined) {
      unverifiedSignatures.push(signature);
    } else if (verifier.verify(textBytes, sigBytes)) {
      signatures.push(signature);
    } else {
      throw new NoteError('invalid-signature', `invalid signature by ${signature.name}+${formatKeyId(signature.keyId)}`);
    }
  }
  if (signatures.length === 0) throw new NoteError('unverified-note', 'no signature by a known key');
  return { text, signatures, unverifiedSignatures };
}

function decodeMessage(message: string | Uint8Array): string {
  let bytes: Uint8Array;
  if (typeof message === 'string') {
    if (message.length > MAX_NOTE_BYTES) throw new NoteError('malformed-note', 'note too large');
    bytes = utf8Encoder.encode(message);
    // TextEncoder turns a lone surrogate into U+FFFD: a string that changes is not UTF-8 text.
    if (utf8Decoder.decode(bytes) !== message) throw new NoteError('malformed-note', 'note is not valid UTF-8');
  } else if (message instanceof Uint8Array) {
    bytes = message;
  } else {
    throw new TypeError('message must be a string or a Uint8Array');
  }
  if (bytes.length > MAX_NOTE_BYTES) throw new NoteError('malformed-note', 'note too large');
  let note: string;
  try {
    note = utf8Decoder.decode(bytes);
  } catch {
    throw new NoteError('malformed-note', 'note is not valid UTF-8');
  }
  if (FORBIDDEN_CONTROL.test(note)) throw new NoteError('malformed-note', 'note contains a control character');
  return note;
}

function parseSignatureLine(line: string): { signature: NoteSignature; sigBytes: Uint8Array } {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('malformed-note', 'signature line must start with an em dash');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? '' : rest.slice(0, space);
  const encoded = space < 0 ? '' : rest.slice(space + 1);
  const bytes = base64Decode(encoded);
  if (!isValidKeyName(name) || bytes === null || bytes.length < 5) {
    throw new NoteError('malformed-note', 'signature line must be "— name base64"');
  }
  const keyId = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  return { signature: { name, keyId, base64: encoded }, sigBytes: bytes.subarray(4) };
}

function checkSignatureLine(sig: NoteSignature): void {
  const parsed = parseSignatureLine(`${SIGNATURE_PREFIX}${sig.name} ${sig.base64}`);
  if (parsed.signature.keyId !== sig.keyId) throw new NoteError('malformed-note', 'signature key ID mismatch');
}

function checkWellFormedText(text: string): void {
  if (FORBIDDEN_CONTROL.test(text)) throw new NoteError('malformed-note', 'note text contains a control character');
  if (utf8Decoder.decode(utf8Encoder.encode(text)) !== text) {
    throw new NoteError('malformed-note', 'note text is not valid UTF-8');
  }
}

function indexVerifiers(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  if (!Array.isArray(verifiers)) throw new TypeError('verifiers must be an array');
  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const key = keyOf(v.name, v.keyId);
    if (known.has(key)) throw new NoteError('ambiguous-key', `two verifiers for ${v.name}+${formatKeyId(v.keyId)}`);
    known.set(key, v);
  }
  return known;
}

function keyOf(name: string, keyId: number): string {
  return `${name}+${formatKeyId(keyId)}`;
}
