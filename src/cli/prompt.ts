// Passphrases for the CLI: from a file, from RELAIS_PASSPHRASE, or typed at a terminal without
// echo. Never from a command-line argument, which other local users could read in the process
// list.

import { readFileSync } from 'node:fs';
import { UsageError } from './args.ts';

export async function readPassphrase(options: { file?: string | undefined; prompt: string; confirm?: boolean }): Promise<string> {
  if (options.file) return readFileSync(options.file, 'utf8').replace(/\r?\n$/, '');
  const fromEnv = process.env.RELAIS_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) throw new UsageError('no passphrase: use --passphrase-file, RELAIS_PASSPHRASE, or run at a terminal');
  const first = await promptHidden(options.prompt);
  if (options.confirm && (await promptHidden('Again: ')) !== first) throw new UsageError('the two passphrases differ');
  return first;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          process.stderr.write('\n');
          return resolve(value);
        }
        if (ch === '\u0003') {
          cleanup();
          return reject(new UsageError('cancelled'));
        }
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on('data', onData);
  });
}
