// The messages between the auditor page and its verification worker (DESIGN promise 7, issues 6
// and 11). The worker hashes; the page fetches. The worker asks the page for the checkpoint,
// entries, proofs and stored hashes (`call`), so the bearer token never leaves the page's session
// (web/src/staff/session.ts) and a 401 ends the session there as everywhere else. The worker's
// last word is one message: either `verified`, carrying the very entry strings it hashed (the page
// shows those and nothing else), or `failed` / `error`, carrying none.

import type { RuleSummary } from '../../../src/client/audit-rules.ts';
import type { FailureKind } from '../../../src/client/audit-verifier.ts';
import type { StateProblem } from '../../../src/client/audit-state.ts';

export type SourceMethod = 'checkpoint' | 'entries' | 'consistencyProof' | 'inclusionProof' | 'storedHashes';

/** The auditor's inputs: their own keys and policy (never the server's), their state, this session's log id. */
export interface StartInput {
  logKey: string;
  state: string | null;
  /** cosigner verifier keys, one a line; empty: those of the state file */
  cosigners: string;
  quorum: number | null;
  maxAgeSeconds: number | null;
  /** sessionLogId of the page's session token: this run's own login */
  ownSession: string;
}

export type ToWorker =
  | ({ type: 'start' } & StartInput)
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'reply'; id: number; failure: { kind: FailureKind; message: string } }
  | { type: 'reply'; id: number; error: string };

export interface Verified {
  type: 'verified';
  origin: string;
  keyName: string;
  size: number;
  /** base64 root hash of the verified checkpoint */
  root: string;
  /** the size of the checkpoint in the state file the auditor loaded, if any */
  previous: number | null;
  /** entry i of the log, exactly the bytes hashed into the tree */
  entries: string[];
  /** the updated state file, for the auditor to download */
  state: string;
  /** the trusted cosigners' valid cosignatures: name and age in seconds */
  cosigned: { name: string; age: number }[];
  cosigners: number;
  quorum: number;
  maxAgeSeconds: number;
  /** index of this run's own login entry */
  ownLogin: number | null;
  rules: RuleSummary;
}

export type FailureCode = FailureKind | 'log-key' | 'cosigner-key' | 'state';

export interface Failed {
  type: 'failed';
  code: FailureCode;
  /** the verifier's own message (English, technical) */
  message: string;
  /** the entry named by the failure, if any */
  index: number | null;
  stateProblem?: StateProblem;
}

/** The verification could not run to its end (network, refusal, a bug): nothing is verified. */
export interface Errored {
  type: 'error';
  message: string;
}

export type Outcome = Verified | Failed | Errored;

export type FromWorker =
  | { type: 'call'; id: number; method: SourceMethod; args: number[] }
  | { type: 'progress'; done: number; total: number }
  | Outcome;
