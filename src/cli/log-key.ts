// `relais log-key` (DESIGN promise 7, issue 6): makes the audit log's Ed25519 key pair as C2SP
// signed-note keys (note-keys.ts), named after the log's origin: PREFIX.pub, the verifier key,
// goes to keys/ and to every auditor (config log.publicKey); PREFIX.key, the signer key, is the
// server's secret (--log-key-file or RELAIS_LOG_KEY), never in keys/ nor in git.

import { existsSync, writeFileSync } from 'node:fs';
import { generateSignerKey, isValidKeyName } from '../core/tlog/index.ts';
import { parse, required, say, UsageError, help } from './args.ts';

const USAGE = `relais log-key --origin ORIGIN --out PREFIX

ORIGIN is the log's name in its checkpoints, as in the config's log.origin (e.g.
relais.example.org/log). Writes PREFIX.pub (public: keys/, auditors) and PREFIX.key (secret:
the server's --log-key-file or RELAIS_LOG_KEY).`;

export async function logKeyCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { origin: { type: 'string' }, out: { type: 'string' } }, USAGE);
  if (values.help) return help(USAGE);
  const origin = required(values.origin, 'origin', USAGE);
  const out = required(values.out, 'out', USAGE);
  if (!isValidKeyName(origin)) throw new UsageError('the origin must not contain spaces, "+" or control characters');
  for (const f of [`${out}.pub`, `${out}.key`]) if (existsSync(f)) throw new UsageError(`${f} exists; not overwriting it`);
  const { signerKey, verifierKey } = generateSignerKey(origin);
  writeFileSync(`${out}.key`, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(`${out}.pub`, `${verifierKey}\n`, { flag: 'wx' });
  say(`public key: ${out}.pub  (copy to keys/, name it in log.publicKey, give it to every auditor)`);
  say(`signer key: ${out}.key  (secret: the server's --log-key-file or RELAIS_LOG_KEY; never in keys/ or git)`);
  process.stdout.write(`${verifierKey}\n`);
  return 0;
}
