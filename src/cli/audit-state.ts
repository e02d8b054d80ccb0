// The auditor's state file (DESIGN promise 7, issue 6): the last checkpoint verified — the signed
// note itself, so it is still evidence if the server later forks or rolls back — and the
// frontier of its tree (frontier.ts: at most 53 hashes), from which the next run verifies only the
// new entries. It also names the log (origin and verifier key), so a state file is never used
// against another log.
//
// Loading re-checks everything: the note must open with the auditor's log key, and the frontier
// must give its root. Saving is atomic (temporary file, fsync, rename): an interrupted run leaves
// the previous state intact.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { toHex } from '../core/bytes.ts';
import { base64Decode, base64Encode, Frontier, type NoteVerifier, type TreeHasher } from '../core/tlog/index.ts';
import { openServerCheckpoint, VerificationFailure, type Trusted } from './audit-verifier.ts';

const FORMAT = 'relais-audit-state/1';

interface StateFile {
  format: string;
  origin: string;
  logKey: string;
  checkpoint: string;
  frontier: string[];
}

export class StateFileError extends Error {}

/** The trusted state in `path`, or null if there is no such file yet. */
export function loadState(path: string, origin: string, verifier: NoteVerifier, hasher?: TreeHasher): Trusted | null {
  if (!existsSync(path)) return null;
  let state: StateFile;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
  } catch {
    throw new StateFileError(`${path} is not an audit state file`);
  }
  if (state?.format !== FORMAT || typeof state.checkpoint !== 'string' || !Array.isArray(state.frontier)) {
    throw new StateFileError(`${path} is not an audit state file (${FORMAT})`);
  }
  if (state.logKey !== verifier.verifierKey || state.origin !== origin) {
    throw new StateFileError(`${path} is the state of another log (${String(state.origin)}); use another --state file`);
  }
  try {
    const checkpoint = openServerCheckpoint(state.checkpoint, origin, verifier);
    const hashes = state.frontier.map((h) => base64Decode(String(h)) ?? new Uint8Array(0));
    const frontier = Frontier.fromHashes(checkpoint.size, hashes, hasher);
    if (!frontier.matches(checkpoint.size, checkpoint.rootHash)) throw new Error('frontier');
    return { checkpoint, note: state.checkpoint, frontier };
  } catch (e) {
    const why = e instanceof VerificationFailure ? e.message : 'its frontier does not match its checkpoint';
    throw new StateFileError(`${path} is damaged: ${why}`);
  }
}

/** Writes the state atomically. */
export function saveState(path: string, origin: string, verifier: NoteVerifier, trusted: Trusted): void {
  const state: StateFile = {
    format: FORMAT,
    origin,
    logKey: verifier.verifierKey,
    checkpoint: trusted.note,
    frontier: trusted.frontier.hashes.map(base64Encode),
  };
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${toHex(crypto.getRandomValues(new Uint8Array(8)))}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(temp);
    throw e;
  }
  closeSync(fd);
  renameSync(temp, path);
  // Make the rename itself durable (not possible on every platform).
  try {
    const dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // best effort
  }
}
