// The auditor's state file (DESIGN promise 7, issues 6 and 11), relais-audit-state/2: the last
// checkpoint verified — the signed note with its cosignatures, still evidence if the server later
// forks or rolls back —, the leaf hash of every entry it covers (32 bytes each, one base64 string:
// about 43 bytes an entry, 43 MB for a million), so the next run can name any entry served
// changed, and the auditor's trust policy (the cosigners' keys, the quorum and the maximum age),
// so that later runs check the same cosigners without the server having a say. It also names the
// log (origin and verifier key), so a state is never used against another log. Runtime-neutral:
// `relais audit verify --state` (src/cli/audit-state.ts reads and writes the file) and the
// auditor page (its worker; the page offers the file as a download and keeps nothing) share these
// functions, so the auditor moves between them with one file.
//
// Reading re-checks everything: the note must open with the auditor's own log key for the
// expected origin, and the leaf hashes must give the checkpoint's root. A relais-audit-state/1
// file (a frontier, no leaves) is still read: its next run re-reads every entry and checks the
// old root, then writes /2.

import { openServerCheckpoint, VerificationFailure, type Trusted } from './audit-verifier.ts';
import { base64Decode, base64Encode, FlatHashStore, Frontier, bytesEqual, type NoteVerifier, type TreeHasher } from '../core/tlog/index.ts';

export const STATE_FORMAT = 'relais-audit-state/2';
const OLD_FORMAT = 'relais-audit-state/1';

export type StateProblem = 'not-state' | 'other-log' | 'damaged';

export class StateFileProblem extends Error {
  constructor(
    readonly problem: StateProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The trust policy a state file keeps (verifier key strings). */
export interface SavedPolicy {
  cosigners: string[];
  quorum: number;
  maxAgeSeconds: number;
}

interface StateFile {
  format: string;
  origin: string;
  logKey: string;
  policy?: SavedPolicy;
  checkpoint: string;
  leaves?: string;
  frontier?: string[];
}

export interface ParsedState {
  trusted: Trusted;
  policy: SavedPolicy | null;
}

function isPolicy(p: unknown): p is SavedPolicy {
  const o = p as SavedPolicy;
  return (
    typeof o === 'object' &&
    o !== null &&
    Array.isArray(o.cosigners) &&
    o.cosigners.every((c) => typeof c === 'string') &&
    Number.isSafeInteger(o.quorum) &&
    Number.isSafeInteger(o.maxAgeSeconds)
  );
}

/** The trusted checkpoint, leaf hashes and policy in a state file's text; throws StateFileProblem. */
export function parseState(text: string, origin: string, verifier: NoteVerifier, hasher?: TreeHasher): ParsedState {
  let state: Partial<StateFile> | null;
  try {
    state = JSON.parse(text) as Partial<StateFile> | null;
  } catch {
    throw new StateFileProblem('not-state', 'not JSON');
  }
  const current = state?.format === STATE_FORMAT;
  if ((!current && state?.format !== OLD_FORMAT) || typeof state?.checkpoint !== 'string') {
    throw new StateFileProblem('not-state', `not a ${STATE_FORMAT} file`);
  }
  if (state.logKey !== verifier.verifierKey || state.origin !== origin) {
    throw new StateFileProblem('other-log', `the state of another log (${String(state.origin)})`);
  }
  try {
    const { checkpoint } = openServerCheckpoint(state.checkpoint, origin, verifier);
    if (current) {
      const leaves = base64Decode(String(state.leaves ?? ''));
      if (!leaves || leaves.length !== checkpoint.size * 32 || (state.policy !== undefined && !isPolicy(state.policy)))
        throw new Error('leaves');
      const tree = new FlatHashStore(hasher);
      for (let i = 0; i < checkpoint.size; i++) tree.appendLeafHash(leaves.subarray(i * 32, i * 32 + 32));
      if (!bytesEqual(tree.root(), checkpoint.rootHash)) throw new Error('root');
      return { trusted: { checkpoint, note: state.checkpoint, leaves }, policy: state.policy ?? null };
    }
    const hashes = (Array.isArray(state.frontier) ? state.frontier : []).map((h) => base64Decode(String(h)) ?? new Uint8Array(0));
    if (!Frontier.fromHashes(checkpoint.size, hashes, hasher).matches(checkpoint.size, checkpoint.rootHash)) throw new Error('frontier');
    return { trusted: { checkpoint, note: state.checkpoint, leaves: null }, policy: null };
  } catch (e) {
    throw new StateFileProblem('damaged', e instanceof VerificationFailure ? e.message : 'its leaf hashes do not match its checkpoint');
  }
}

/** The state file's text for a verified checkpoint, byte for byte as the command writes it. */
export function formatState(origin: string, verifier: NoteVerifier, trusted: Trusted, policy: SavedPolicy): string {
  const state: StateFile = {
    format: STATE_FORMAT,
    origin,
    logKey: verifier.verifierKey,
    policy,
    checkpoint: trusted.note,
    leaves: base64Encode(trusted.leaves ?? new Uint8Array(0)),
  };
  return `${JSON.stringify(state, null, 2)}\n`;
}
