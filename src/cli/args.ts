// Command-line parsing for `relais`, on node:util parseArgs: unknown options are errors, and
// every command prints its own usage.

import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}

export function required(value: string | undefined, name: string, usage: string): string {
  if (!value) throw new UsageError(`missing --${name}\n\n${usage}`);
  return value;
}

/** Writes a line to standard error: messages for people, so standard output stays for data. */
export function say(line = ''): void {
  process.stderr.write(`${line}\n`);
}

/** Says `line` on stderr and gives back `code`, for `return exitWith(2, USAGE)`. */
export function exitWith(code: number, line: string): number {
  say(line);
  return code;
}
