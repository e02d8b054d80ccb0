// `relais audit` (DESIGN promise 7, issue 6): the auditor's tools for the transparency log,
// `verify` (audit-verify.ts) and `export` (audit-export.ts). Both log in with the auditor's
// OpenPGP key and check the log against the auditor's own copy of the log's public key.

import { help, say } from './args.ts';
import { auditExportCommand } from './audit-export.ts';
import { auditVerifyCommand } from './audit-verify.ts';

const USAGE = `relais audit verify --server URL --state FILE --key AUDITOR_KEY.asc --log-key keys/log.pub
relais audit export --server URL --key AUDITOR_KEY.asc --log-key keys/log.pub --format csv|json [--out FILE]

(relais audit verify --help, relais audit export --help for details)`;

export async function auditCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'verify') return auditVerifyCommand(rest);
  if (sub === 'export') return auditExportCommand(rest);
  if (sub === '--help' || sub === '-h') return help(USAGE);
  say(sub === undefined ? USAGE : `unknown step "${sub}"\n\n${USAGE}`);
  return 2;
}
