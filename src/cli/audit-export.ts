// `relais audit export` (DESIGN promise 7, issues 6 and 11): every entry of the log as CSV or JSON
// for a spreadsheet — only after the same checks as `relais audit verify` (src/client/audit-run.ts:
// signature, cosignatures and freshness with the policy of the flags or the state file, every
// entry, stored hashes and proofs, the rules, this run's own login), without changing the state.
// Nothing is written if verification fails.
// The rows, CSV and JSON are those of src/client/audit-rows.ts, shared with the auditor page.

import { base64Encode } from '../core/tlog/index.ts';
import { rowOf, toCsv, toJson, type Row } from '../client/audit-rows.ts';
import { writePrivateFile } from './files.ts';
import { help, parse, required, say, UsageError } from './args.ts';
import {
  auditorSession,
  nodeTreeHasher,
  POLICY_OPTIONS,
  POLICY_USAGE,
  readLogVerifier,
  reportFailure,
  resolvePolicy,
} from './audit-common.ts';
import { LogApi } from '../client/audit-log-client.ts';
import { loadState } from './audit-state.ts';
import { auditRun } from '../client/audit-run.ts';
import { sessionLogId } from '../core/audit-entry.ts';
import { type Trusted, VerificationFailure } from '../client/audit-verifier.ts';

const USAGE = `relais audit export --server URL --key AUDITOR_KEY.asc --log-key keys/log.pub --format csv|json
                    [--out FILE] [--state FILE] [--origin ORIGIN] [--passphrase-file FILE]
                    [--cosigner C.pub]… [--quorum N] [--max-age SECONDS]

Verifies the log as \`relais audit verify\` does (with --state, also against the checkpoint you
verified last, without changing the state), then writes the entries to FILE or standard output.
${POLICY_USAGE}
Exit codes: 0 exported, 3 the log FAILED verification (nothing written), 1 other errors, 2 usage.`;

export async function auditExportCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      key: { type: 'string' },
      'log-key': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      state: { type: 'string' },
      origin: { type: 'string' },
      'passphrase-file': { type: 'string' },
      ...POLICY_OPTIONS,
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const server = required(values.server, 'server', USAGE);
  const keyFile = required(values.key, 'key', USAGE);
  const verifier = readLogVerifier(required(values['log-key'], 'log-key', USAGE));
  const format = required(values.format, 'format', USAGE);
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json\n\n${USAGE}`);
  const origin = values.origin ?? verifier.name;
  const hasher = nodeTreeHasher();
  const state = values.state ? loadState(values.state, origin, verifier, hasher) : null;
  const trusted = state?.trusted ?? null;
  const { policy, notes } = resolvePolicy(values, state?.policy ?? null, origin, verifier);
  for (const note of notes) say(note);

  const session = await auditorSession(server, keyFile, values['passphrase-file']);
  const rows: Row[] = [];
  let verified: Trusted;
  try {
    const run = await auditRun({
      source: new LogApi(session.api),
      policy,
      trusted,
      mode: 'full',
      ownSession: session.api.token ? sessionLogId(session.api.token) : null,
      waitSeconds: 30,
      hasher,
      onEntry: (i, e) => rows.push(rowOf(i, e)),
    });
    verified = run.result.trusted;
  } catch (e) {
    if (e instanceof VerificationFailure) return reportFailure(e);
    throw e;
  } finally {
    await session.close();
  }
  const text = format === 'csv' ? toCsv(rows) : toJson(rows);
  if (values.out) {
    writePrivateFile(values.out, text);
  } else {
    process.stdout.write(text);
  }
  const { size, rootHash } = verified.checkpoint;
  say(
    `exported ${rows.length} entries, all VERIFIED against the checkpoint of ${size} entries (root ${base64Encode(rootHash)}) signed by ${verifier.name}${trusted ? `, which extends your state's checkpoint of ${trusted.checkpoint.size} entries` : ''}`,
  );
  return 0;
}
