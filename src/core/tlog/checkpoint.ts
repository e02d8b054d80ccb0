// C2SP tlog-checkpoint (tlog-checkpoint.md): the signed tree head of the audit log.
//
//   <origin>\n                 non-empty, e.g. "relais.example/audit-log"
//   <tree size>\n              ASCII decimal, no leading zeros ("0" for the empty tree)
//   <base64 root hash>\n       RFC 9162 MTH, 32 bytes, strict base64
//   [<extension line>\n]…      optional, each non-empty (opaque; not recommended)
//
// carried as the text of a C2SP signed note (note.ts).
//
//   formatCheckpoint(checkpoint)                  → note text
//   parseCheckpoint(text)                         → Checkpoint   (NoteError 'malformed-checkpoint')
//   signCheckpoint(checkpoint, signers)           → signed note
//   openCheckpoint(message, { origin, logVerifier, cosigners? })
//                                                 → { checkpoint, note }
//
// openCheckpoint accepts a checkpoint only if the log's own key signed it (a cosigner's
// signature alone is refused) and its origin is the expected one. Sizes are safe integers.
import { HASH_SIZE, assertSafeNonNegativeInteger } from './checks.ts';
import { base64Decode, base64Encode } from './base64.ts';
import { NoteError } from './errors.ts';
import type { Hash } from './hasher.ts';
import type { NoteSigner, NoteVerifier } from './note-keys.ts';
import { openNote, signNote, type OpenedNote } from './note.ts';

export interface Checkpoint {
  /** The log's identity, e.g. "relais.example/audit-log". */
  readonly origin: string;
  /** Number of leaves in the tree. */
  readonly size: number;
  /** MTH of those leaves (32 bytes). */
  readonly rootHash: Hash;
  /** Extension lines, without their newlines (usually none). */
  readonly extensions: readonly string[];
}

export interface OpenCheckpointOptions {
  /** The origin this log must announce. */
  readonly origin: string;
  /** The log's own key: its signature is required. */
  readonly logVerifier: NoteVerifier;
  /** Witness keys whose signatures are verified when present, never required. */
  readonly cosigners?: readonly NoteVerifier[];
}

// Newline is the line separator; every other C0 control is forbidden by signed-note anyway.
const CONTROL = /[\u0000-\u001f]/;
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/** The note text of a checkpoint. Throws TypeError for a checkpoint that could not be parsed back. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (!isValidLine(origin)) throw new TypeError('origin must be a non-empty line without control characters');
  assertSafeNonNegativeInteger('size', size);
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE) throw new TypeError('rootHash must be 32 bytes');
  if (!Array.isArray(extensions) || !extensions.every(isValidLine)) {
    throw new TypeError('extension lines must be non-empty lines without control characters');
  }
  return [origin, String(size), base64Encode(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/** Parses checkpoint note text strictly. Throws NoteError('malformed-checkpoint'). */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new NoteError('malformed-checkpoint', 'checkpoint text must end with a newline');
  }
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (origin === undefined || sizeLine === undefined || rootLine === undefined) {
    throw new NoteError('malformed-checkpoint', 'a checkpoint has at least three lines');
  }
  if (!isValidLine(origin)) throw new NoteError('malformed-checkpoint', 'invalid origin line');
  if (!DECIMAL.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw new NoteError('malformed-checkpoint', 'tree size must be a decimal integer without leading zeros');
  }
  const rootHash = base64Decode(rootLine);
  if (rootHash === null || rootHash.length !== HASH_SIZE) {
    throw new NoteError('malformed-checkpoint', 'root hash must be base64 of 32 bytes');
  }
  if (!extensions.every(isValidLine)) throw new NoteError('malformed-checkpoint', 'extension lines must be non-empty');
  return { origin, size: Number(sizeLine), rootHash, extensions };
}

/** Signs a checkpoint with the log key (and any other signers): the C2SP signed note. */
export function signCheckpoint(checkpoint: Checkpoint, signers: NoteSigner | readonly NoteSigner[]): string {
  const list = Array.isArray(signers) ? signers : [signers as NoteSigner];
  return signNote(formatCheckpoint(checkpoint), list);
}

/** Opens and parses a signed checkpoint of the expected log. Throws NoteError. */
export function openCheckpoint(message: string | Uint8Array, options: OpenCheckpointOptions): { checkpoint: Checkpoint; note: OpenedNote } {
  const { origin, logVerifier, cosigners = [] } = options;
  if (!isValidLine(origin)) throw new TypeError('origin must be a non-empty line');
  const note = openNote(message, [logVerifier, ...cosigners]);
  const signedByLog = note.signatures.some((s) => s.name === logVerifier.name && s.keyId === logVerifier.keyId);
  if (!signedByLog) throw new NoteError('missing-log-signature', 'the checkpoint is not signed by the log key');
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== origin) throw new NoteError('wrong-origin', 'the checkpoint is for another log');
  return { checkpoint, note };
}

function isValidLine(line: unknown): line is string {
  return typeof line === 'string' && line.length > 0 && !CONTROL.test(line);
}
