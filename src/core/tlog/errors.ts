// The error thrown when a signed note, a key string or a checkpoint is refused
// (C2SP signed-note and tlog-checkpoint), with a stable code the HTTP routes and the CLI can
// map to a 4xx answer or a message, without echoing the refused input (promise 10).
//
// Proof verification (verify.ts, frontier.ts) does not throw for bad proofs: it returns
// false/null. Programming errors (wrong argument types) throw TypeError/RangeError.

export type NoteErrorCode =
  /** A verifier or signer key string is malformed, or its key ID does not match. */
  | 'malformed-key'
  /** The note is not a well-formed signed note (format, UTF-8, control characters, size). */
  | 'malformed-note'
  /** A signature by a known key failed to verify: the whole note is refused. */
  | 'invalid-signature'
  /** The note is well-formed but carries no signature by any known key. */
  | 'unverified-note'
  /** Two known keys share one name and key ID, so a signature cannot be attributed. */
  | 'ambiguous-key'
  /** The note text is not a well-formed tlog-checkpoint body. */
  | 'malformed-checkpoint'
  /** The checkpoint is for another log than the expected origin. */
  | 'wrong-origin'
  /** The checkpoint verified, but not with the log's own key (only cosigners signed). */
  | 'missing-log-signature';

export class NoteError extends Error {
  readonly code: NoteErrorCode;

  constructor(code: NoteErrorCode, message: string) {
    super(message);
    this.name = 'NoteError';
    this.code = code;
  }
}
