// `relais audit export` (DESIGN promise 7, issue 6): every entry of the log as CSV or JSON for a
// spreadsheet — only after verifying them all against the latest signed checkpoint with the
// auditor's own copy of the log key (and, with --state, its consistency with the checkpoint the
// auditor verified last, without changing that state). Nothing is written if verification fails.
// CSV cells that a spreadsheet would run as a formula (= + - @ tab CR) are prefixed with '.

import { writeFileSync, renameSync } from 'node:fs';
import { base64Encode } from '../core/tlog/index.ts';
import { parse, required, say, UsageError } from './args.ts';
import { auditorSession, nodeTreeHasher, readLogVerifier, reportFailure } from './audit-common.ts';
import { LogApi } from './audit-log-client.ts';
import { loadState } from './audit-state.ts';
import { VerificationFailure, verifyLog } from './audit-verifier.ts';

const USAGE = `relais audit export --server URL --key AUDITOR_KEY.asc --log-key keys/log.pub --format csv|json
                    [--out FILE] [--state FILE] [--origin ORIGIN] [--passphrase-file FILE]

Verifies every entry against the latest signed checkpoint (and, with --state, that the log
extends the one you verified last), then writes them to FILE or standard output.
Exit codes: 0 exported, 3 the log FAILED verification (nothing written), 1 other errors, 2 usage.`;

const COLUMNS = ['index', 'time', 'bucket', 'action', 'actor', 'report', 'inbox', 'details'] as const;
type Row = Record<(typeof COLUMNS)[number], unknown>;

export function rowOf(index: number, entry: string): Row {
  let e: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(entry);
    e = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { details: entry };
  } catch {
    e = { details: entry };
  }
  return { index, time: e.time ?? null, bucket: e.bucket ?? null, action: e.action ?? null, actor: e.actor ?? null, report: e.report ?? null, inbox: e.inbox ?? null, details: e.details ?? null };
}

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: Row[]): string {
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(','))].map((l) => `${l}\r\n`).join('');
}

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
    },
    USAGE,
  );
  if (values.help) return say(USAGE), 0;
  const server = required(values.server, 'server', USAGE);
  const keyFile = required(values.key, 'key', USAGE);
  const verifier = readLogVerifier(required(values['log-key'], 'log-key', USAGE));
  const format = required(values.format, 'format', USAGE);
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json\n\n${USAGE}`);
  const origin = values.origin ?? verifier.name;
  const hasher = nodeTreeHasher();
  const trusted = values.state ? loadState(values.state, origin, verifier, hasher) : null;

  const session = await auditorSession(server, keyFile, values['passphrase-file']);
  const rows: Row[] = [];
  let verified;
  try {
    verified = await verifyLog({ source: new LogApi(session.api), origin, verifier, trusted, full: true, hasher, onEntry: (i, e) => rows.push(rowOf(i, e)) });
  } catch (e) {
    if (e instanceof VerificationFailure) return reportFailure(e);
    throw e;
  } finally {
    await session.close();
  }
  const text = format === 'csv' ? toCsv(rows) : `${JSON.stringify(rows, null, 1)}\n`;
  if (values.out) {
    writeFileSync(`${values.out}.partial`, text, { mode: 0o600 });
    renameSync(`${values.out}.partial`, values.out);
  } else {
    process.stdout.write(text);
  }
  const { size, rootHash } = verified.checkpoint;
  say(`exported ${rows.length} entries, all VERIFIED against the checkpoint of ${size} entries (root ${base64Encode(rootHash)}) signed by ${verifier.name}${trusted ? `, which extends your state's checkpoint of ${trusted.checkpoint.size} entries` : ''}`);
  return 0;
}
