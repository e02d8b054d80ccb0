// The auditor's state file on disk for `relais audit verify --state` (DESIGN promise 7, issue 6):
// its format and checks are src/client/audit-state.ts, shared with the auditor page. Saving is
// atomic (temporary file, fsync, rename): an interrupted run leaves the previous state intact.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatState, parseState, STATE_FORMAT, StateFileProblem, type ParsedState, type SavedPolicy } from '../client/audit-state.ts';
import { toHex } from '../core/bytes.ts';
import type { NoteVerifier, TreeHasher } from '../core/tlog/index.ts';
import type { Trusted } from '../client/audit-verifier.ts';

export class StateFileError extends Error {}

/** The trusted state in `path`, or null if there is no such file yet. */
export function loadState(path: string, origin: string, verifier: NoteVerifier, hasher?: TreeHasher): ParsedState | null {
  if (!existsSync(path)) return null;
  try {
    return parseState(readFileSync(path, 'utf8'), origin, verifier, hasher);
  } catch (e) {
    if (!(e instanceof StateFileProblem)) throw e;
    if (e.problem === 'not-state') throw new StateFileError(`${path} is not an audit state file (${STATE_FORMAT})`);
    if (e.problem === 'other-log') throw new StateFileError(`${path} is ${e.message}; use another --state file`);
    throw new StateFileError(`${path} is damaged: ${e.message}`);
  }
}

/** Writes the state atomically. */
export function saveState(path: string, origin: string, verifier: NoteVerifier, trusted: Trusted, policy: SavedPolicy): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${toHex(crypto.getRandomValues(new Uint8Array(8)))}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, formatState(origin, verifier, trusted, policy));
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
