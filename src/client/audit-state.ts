// The auditor's state file (DESIGN promise 7, issue 6), relais-audit-state/1: the last checkpoint
// verified — the signed note itself, still evidence if the server later forks or rolls back — and
// the frontier of its tree (at most 53 hashes), from which the next run verifies only the new
// entries; it also names the log (origin and verifier key), so a state is never used against
// another log. Runtime-neutral: `relais audit verify --state` (src/cli/audit-state.ts reads and
// writes the file) and the auditor page (its worker; the page offers the file as a download and
// keeps nothing) share these functions, so the auditor moves between them with one file.
//
// Reading re-checks everything: the note must open with the auditor's own log key for the
// expected origin, and the frontier must give the checkpoint's root.

import { openServerCheckpoint, VerificationFailure, type Trusted } from './audit-verifier.ts';
import { base64Decode, base64Encode, Frontier, type NoteVerifier, type TreeHasher } from '../core/tlog/index.ts';

export const STATE_FORMAT = 'relais-audit-state/1';

export type StateProblem = 'not-state' | 'other-log' | 'damaged';

export class StateFileProblem extends Error {
  constructor(
    readonly problem: StateProblem,
    message: string,
  ) {
    super(message);
  }
}

interface StateFile {
  format: string;
  origin: string;
  logKey: string;
  checkpoint: string;
  frontier: string[];
}

/** The trusted checkpoint and frontier in a state file's text; throws StateFileProblem. */
export function parseState(text: string, origin: string, verifier: NoteVerifier, hasher?: TreeHasher): Trusted {
  let state: Partial<StateFile> | null;
  try {
    state = JSON.parse(text) as Partial<StateFile> | null;
  } catch {
    throw new StateFileProblem('not-state', 'not JSON');
  }
  if (state?.format !== STATE_FORMAT || typeof state.checkpoint !== 'string' || !Array.isArray(state.frontier)) {
    throw new StateFileProblem('not-state', `not a ${STATE_FORMAT} file`);
  }
  if (state.logKey !== verifier.verifierKey || state.origin !== origin) {
    throw new StateFileProblem('other-log', `the state of another log (${String(state.origin)})`);
  }
  try {
    const checkpoint = openServerCheckpoint(state.checkpoint, origin, verifier);
    const hashes = state.frontier.map((h) => base64Decode(String(h)) ?? new Uint8Array(0));
    const frontier = Frontier.fromHashes(checkpoint.size, hashes, hasher);
    if (!frontier.matches(checkpoint.size, checkpoint.rootHash)) throw new Error('frontier');
    return { checkpoint, note: state.checkpoint, frontier };
  } catch (e) {
    throw new StateFileProblem('damaged', e instanceof VerificationFailure ? e.message : 'its frontier does not match its checkpoint');
  }
}

/** The state file's text for a verified checkpoint, byte for byte as the command writes it. */
export function formatState(origin: string, verifier: NoteVerifier, trusted: Trusted): string {
  const state: StateFile = {
    format: STATE_FORMAT,
    origin,
    logKey: verifier.verifierKey,
    checkpoint: trusted.note,
    frontier: trusted.frontier.hashes.map(base64Encode),
  };
  return `${JSON.stringify(state, null, 2)}\n`;
}
