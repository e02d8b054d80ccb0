// `relais export`: an officer exports one report for the judicial file (issue 15 §2) — the
// decrypted report, attachments and conversation, the sealed parts as received with their session
// keys, the logged report.received entry with its inclusion proof, a French summary and a notice
// saying what the folder holds. The folder is 0700 and its files 0600: it holds the report in
// clear. Verify it anywhere with `relais verify-export`.

import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { buildCaseExport } from '../client/case-export.ts';
import { REPORT_REF_PATTERN } from '../core/refs.ts';
import { help, parse, required, say, UsageError } from './args.ts';
import { staffSession } from './staff-session.ts';

const USAGE = `relais export --server URL --key PRIVATE_KEY.asc --ref R-XXXX-XXXX-XXXX --out DIR
              [--zip] [--passphrase-file FILE]

Writes DIR/R-XXXX-XXXX-XXXX/ (or DIR/R-XXXX-XXXX-XXXX.zip with --zip). It contains the report
IN CLEAR: keep it only in the case file or on an encrypted medium of your service.`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      key: { type: 'string' },
      ref: { type: 'string' },
      out: { type: 'string' },
      zip: { type: 'boolean' },
      'passphrase-file': { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const server = required(values.server, 'server', USAGE);
  const ref = required(values.ref, 'ref', USAGE);
  if (!REPORT_REF_PATTERN.test(ref)) throw new UsageError('--ref is a reference R-XXXX-XXXX-XXXX');
  const out = required(values.out, 'out', USAGE);
  const target = join(out, values.zip ? `${ref}.zip` : ref);
  if (existsSync(target)) throw new UsageError(`${target} already exists: choose another --out`);
  const { api, key, member, close } = await staffSession(server, required(values.key, 'key', USAGE), values['passphrase-file']);
  let files: Map<string, Uint8Array>;
  try {
    const config = await api.config();
    files = await buildCaseExport(
      {
        api,
        key,
        member: { id: member.id, name: member.name },
        categoryLabel: (id) => config.categories.find((c) => c.id === id)?.labels.fr ?? id,
        bucketSeconds: config.timeBucketSeconds,
        now: () => Date.now(),
      },
      ref,
    );
  } finally {
    await close();
  }
  mkdirSync(out, { recursive: true });
  if (values.zip) {
    writeFileSync(target, zipSync(Object.fromEntries(files), { level: 0, mtime: new Date('1980-01-01T00:00:00Z') }), { mode: 0o600 });
  } else {
    mkdirSync(target, { mode: 0o700 });
    for (const [name, bytes] of files) {
      const file = join(target, name);
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, bytes, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
  }
  say(`${ref}: exported to ${target} (${files.size} files)`);
  say('It contains the report IN CLEAR: keep it only in the case file or on an encrypted medium of your service.');
  say(`Check it with: relais verify-export ${target} --log-key log.pub`);
  return 0;
}
