// `relais verify-export`: checks a case export offline (issue 15 §2) with your own copy of the
// log's public key and, if the log is cosigned, the cosigners' keys: every file, the signed and
// cosigned checkpoint, the entry's inclusion, the logged part hashes (or, for a part whose key
// packets a later grant replaced, its logged encrypted-packet hash), and that each session key
// decrypts its part into the exported content (src/core/case-verify.ts). Exit 0 when all hold,
// 3 naming the first thing that does not.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { ExportInvalid, verifyCaseExport } from '../core/case-verify.ts';
import { TlogProofError } from '../core/tlog-proof.ts';
import { exitWith, help, parse, required, say, UsageError } from './args.ts';

const USAGE = `relais verify-export DIR|FILE.zip --log-key log.pub [--cosigner KEY_FILE]...

Checks a folder (or zip) written by \`relais export\` or the console, offline. Exit 0 if it is
intact and the log proves its sealed parts, 3 otherwise.`;

function readTree(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path).split(sep).join('/'), new Uint8Array(readFileSync(path)));
    }
  };
  walk(dir);
  return files;
}

export async function verifyExportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'log-key': { type: 'string' }, cosigner: { type: 'string', multiple: true } }, USAGE, 1);
  if (values.help) return help(USAGE);
  const [target] = positionals;
  if (!target || positionals.length > 1) throw new UsageError(USAGE);
  const logVerifierKey = readFileSync(required(values['log-key'], 'log-key', USAGE), 'utf8');
  const cosignerKeys = (values.cosigner ?? []).map((f) => readFileSync(f, 'utf8'));
  const files = statSync(target).isDirectory()
    ? readTree(target)
    : new Map(Object.entries(unzipSync(new Uint8Array(readFileSync(target)))).filter(([name]) => !name.endsWith('/')));
  try {
    const ok = await verifyCaseExport(files, { logVerifierKey, cosignerKeys });
    say(
      `${ok.ref}: export verified — ${ok.parts} part(s) and ${ok.messages} message(s) decrypt with their session keys; the receipt is entry ${ok.logIndex} of a log of ${ok.treeSize} entries signed by the log key${ok.cosigners.length ? ` and cosigned by ${ok.cosigners.join(', ')}` : ''}.`,
    );
    if (ok.regranted.length)
      say(
        `Part(s) ${ok.regranted.join(', ')}: key packets replaced by a later grant (relais grant); the encrypted packet is byte for byte the one logged at receipt, so the content is what the server received.`,
      );
    return 0;
  } catch (e) {
    if (!(e instanceof ExportInvalid) && !(e instanceof TlogProofError)) throw e;
    return exitWith(3, `NOT VERIFIED: ${e.message}`);
  }
}
