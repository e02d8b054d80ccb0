// Command-line conventions for `relais` (issue 14 §6), on node:util parseArgs: unknown options and
// unexpected arguments are refused with the command's usage (exit 2), `--help` prints the usage on
// standard output (exit 0), messages for people go to standard error so standard output stays for
// data, and progress is shown only when standard error is a terminal.

import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` strictly. `positionals` is how many plain arguments the command takes (none by
 * default); more are refused rather than silently ignored.
 */
export function parse<O extends Options>(argv: string[], options: O, usage: string, positionals = 0) {
  const parsed = parseStrict(argv, options, usage);
  if (!(parsed.values as { help?: boolean }).help && parsed.positionals.length > positionals) {
    const extra = parsed.positionals.slice(positionals).map((p) => JSON.stringify(p));
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(' ')}\n\n${usage}`);
  }
  return parsed;
}

function parseStrict<O extends Options>(argv: string[], options: O, usage: string) {
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

/** The progress line on the terminal, if one is shown: a message clears it first. */
let progressShown = false;

/** Writes a line to standard error: messages for people, so standard output stays for data. */
export function say(line = ''): void {
  if (progressShown) {
    process.stderr.write('\r\u001b[2K');
    progressShown = false;
  }
  process.stderr.write(`${line}\n`);
}

/** Says `line` on stderr and gives back `code`, for `return exitWith(2, USAGE)`. */
export function exitWith(code: number, line: string): number {
  say(line);
  return code;
}

/** What `--help` does: the usage on standard output, exit 0. */
export function help(usage: string): number {
  process.stdout.write(`${usage}\n`);
  return 0;
}

/**
 * A progress line on standard error, redrawn in place, only when standard error is a terminal
 * (never in logs, pipes or tests). At most a few redraws a second.
 */
export function progress(label: string): { update(done: number, total?: number): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 200 && done !== total) return;
      last = now;
      progressShown = true;
      const count = total === undefined ? `${done}` : `${done}/${total}`;
      process.stderr.write(`\r\u001b[2K${label}: ${count}`);
    },
    done() {
      if (progressShown) process.stderr.write('\r\u001b[2K');
      progressShown = false;
    },
  };
}
