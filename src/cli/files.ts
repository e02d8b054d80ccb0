// Files the CLI writes that hold what staff decrypted or downloaded (issue 14 §5): folders 0700,
// files 0600, each file written under a temporary name and renamed into place so that it exists
// whole or not at all. Names that come from a server are data: they are checked against a closed
// pattern before they become part of a path, and a path never leaves the folder it belongs in.

import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { toHex } from '../core/bytes.ts';

/** A name the server sent that cannot be used as given (a hostile or broken server). */
export class ServerNameError extends Error {}

/** Creates `path` (and its parents) for the user alone; an existing folder of ours is tightened. */
export function privateDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  return path;
}

/**
 * Creates the user's output folder if needed (0700). An existing one is left as the user set it;
 * the returned line warns when others can read it.
 */
export function outputDir(path: string): string | null {
  let existed = true;
  try {
    statSync(path);
  } catch {
    existed = false;
  }
  if (!existed) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return null;
  }
  const mode = statSync(path).mode & 0o777;
  return mode & 0o077 ? `warning: ${path} can be read by other users of this computer (mode ${mode.toString(8)}); chmod 700 it` : null;
}

/** Writes `data` to `path` as 0600, atomically (temporary file in the same folder, then rename). */
export function writePrivateFile(path: string, data: Uint8Array | string): void {
  const temp = join(dirname(path), `.${basename(path)}.${toHex(crypto.getRandomValues(new Uint8Array(6)))}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(temp, path);
}

/** `name` if it matches `pattern` (which must not allow "/", "\\" or ".."); else ServerNameError. */
export function serverName(name: unknown, pattern: RegExp, what: string): string {
  if (typeof name !== 'string' || !pattern.test(name) || name.includes('/') || name.includes('\\') || name.includes('..'))
    throw new ServerNameError(`the server sent ${what} that is not a valid name; nothing was written for it`);
  return name;
}

/** A whole number in [0, max] from the server, or ServerNameError. */
export function serverIndex(value: unknown, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    throw new ServerNameError(`the server sent ${what} that is not a valid index; nothing was written for it`);
  return value;
}
