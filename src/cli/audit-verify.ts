// `relais audit verify` (DESIGN promise 7, issue 6): checks the server's latest signed
// checkpoint against the log key the auditor holds, its consistency with the checkpoint in the
// state file (fork and rollback detection), and the inclusion of every new entry (through the
// saved frontier, so a million new entries take seconds); prints who did what in the new entries,
// and saves the new state atomically. Exit 3 and a message naming the fault when the log fails.

import { base64Encode } from '../core/tlog/index.ts';
import { parse, required, exitWith, say } from './args.ts';
import { auditorSession, nodeTreeHasher, readLogVerifier, reportFailure } from './audit-common.ts';
import { LogApi } from '../client/audit-log-client.ts';
import { loadState, saveState } from './audit-state.ts';
import { type Trusted, VerificationFailure, verifyLog } from '../client/audit-verifier.ts';

const USAGE = `relais audit verify --server URL --state FILE --key AUDITOR_KEY.asc --log-key keys/log.pub
                    [--origin ORIGIN] [--passphrase-file FILE] [--full]

--log-key is YOUR copy of the log's public key (never take it from the server). --origin
defaults to the key's name. The state file is created on the first run and updated after each
successful one; --full re-checks every entry, not only the new ones.
Exit codes: 0 verified, 3 the log FAILED verification (fork, rollback, bad signature, missing or
changed entry), 1 other errors, 2 usage.`;

export async function auditVerifyCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      state: { type: 'string' },
      key: { type: 'string' },
      'log-key': { type: 'string' },
      origin: { type: 'string' },
      'passphrase-file': { type: 'string' },
      full: { type: 'boolean' },
    },
    USAGE,
  );
  if (values.help) return exitWith(0, USAGE);
  const server = required(values.server, 'server', USAGE);
  const statePath = required(values.state, 'state', USAGE);
  const keyFile = required(values.key, 'key', USAGE);
  const verifier = readLogVerifier(required(values['log-key'], 'log-key', USAGE));
  const origin = values.origin ?? verifier.name;
  const hasher = nodeTreeHasher();
  const trusted = loadState(statePath, origin, verifier, hasher);
  const previous = trusted?.checkpoint.size ?? 0;

  const session = await auditorSession(server, keyFile, values['passphrase-file']);
  const counts = new Map<string, number>();
  let ownLogin = false;
  const started = performance.now();
  let verified: Trusted;
  try {
    verified = await verifyLog({
      source: new LogApi(session.api),
      origin,
      verifier,
      trusted,
      full: values.full === true,
      hasher,
      onEntry: (index, entry) => {
        if (index < previous) return;
        const { actor, action } = fieldsOf(entry);
        const key = `${actor}\u0000${action}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (action === 'staff.login' && actor === `member:${session.member.id}`) ownLogin = true;
      },
    });
  } catch (e) {
    if (e instanceof VerificationFailure) return reportFailure(e);
    throw e;
  } finally {
    await session.close();
  }
  saveState(statePath, origin, verifier, verified);

  const size = verified.checkpoint.size;
  const seconds = (performance.now() - started) / 1000;
  const lines = [
    `log         ${origin} (key ${verifier.name})`,
    `checkpoint  ${size} entries, root ${base64Encode(verified.checkpoint.rootHash)}`,
    trusted
      ? `verified    ${size - previous} new entries (#${previous} to #${size - 1}) consistent with your last checkpoint of ${previous} entries${values.full ? '; all earlier entries re-checked' : ''}`
      : `verified    all ${size} entries (first run: this checkpoint is now your reference)`,
  ];
  if (size === previous) lines[2] = `verified    no new entries; same checkpoint as last time`;
  const rows = [...counts.entries()]
    .map(([k, n]) => [...k.split('\u0000'), n] as [string, string, number])
    .sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
  if (rows.length > 0) {
    const width = Math.max(5, ...rows.map((r) => r[0].length));
    lines.push('', `${'count'.padStart(7)}  ${'actor'.padEnd(width)}  action`);
    for (const [actor, action, n] of rows) lines.push(`${String(n).padStart(7)}  ${actor.padEnd(width)}  ${action}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  say(`verified in ${seconds.toFixed(2)} s; state saved to ${statePath}`);
  if (size > previous && !ownLogin) {
    say(
      `WARNING: your own login just now is not in the signed log yet: the server is slow to sign, or it is withholding entries. Run again in a few minutes.`,
    );
  }
  return 0;
}

// Canonical JSON sorts keys, so a Relais entry starts with its action and actor: read them
// without parsing the whole entry (a million entries), and parse anything else.
const LEADING_FIELDS = /^\{"action":"([^"\\]*)","actor":"([^"\\]*)"[,}]/;

/** Actor and action of an entry; an entry that is not an object says so rather than failing. */
export function fieldsOf(entry: string): { actor: string; action: string } {
  const m = LEADING_FIELDS.exec(entry);
  if (m) return { action: m[1] as string, actor: m[2] as string };
  try {
    const parsed = JSON.parse(entry) as { actor?: unknown; action?: unknown };
    return {
      actor: typeof parsed.actor === 'string' ? parsed.actor : '(none)',
      action: typeof parsed.action === 'string' ? parsed.action : '(none)',
    };
  } catch {
    return { actor: '(unreadable)', action: '(unreadable)' };
  }
}
