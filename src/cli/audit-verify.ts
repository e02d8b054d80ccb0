// `relais audit verify` (DESIGN promise 7, issues 6 and 11): checks the server's latest signed
// checkpoint against the log key the auditor holds and its cosignatures against the cosigners'
// keys the auditor holds (quorum, maximum age), its consistency with the checkpoint in the state
// file (fork and rollback), EVERY entry again against the leaf hashes the state kept, every stored
// hash and a sample of the proofs the server serves, the log's rules (keys, membership, two
// custodians), and that this run's own login is in the witnessed checkpoint; prints what it
// checked and who did what in the new entries, and saves the new state atomically. Exit 3 and a
// message naming the fault (the entry, the proof, the cosignature) when the log fails.
// --new-only skips re-reading the entries verified before, their stored hashes and the rules.

import { base64Encode } from '../core/tlog/index.ts';
import { auditRun } from '../client/audit-run.ts';
import { sessionLogId } from '../core/audit-entry.ts';
import { ruleSummaryLines } from '../client/audit-rules.ts';
import { LogApi } from '../client/audit-log-client.ts';
import { VerificationFailure } from '../client/audit-verifier.ts';
import { help, parse, progress, required, say, UsageError } from './args.ts';
import {
  auditorSession,
  nodeTreeHasher,
  POLICY_OPTIONS,
  POLICY_USAGE,
  readLogVerifier,
  reportFailure,
  resolvePolicy,
} from './audit-common.ts';
import { loadState, saveState } from './audit-state.ts';

const USAGE = `relais audit verify --server URL --state FILE --key AUDITOR_KEY.asc --log-key keys/log.pub
                    [--cosigner C.pub]… [--quorum N] [--max-age SECONDS]
                    [--origin ORIGIN] [--passphrase-file FILE] [--wait SECONDS] [--new-only]

--log-key is YOUR copy of the log's public key (never take it from the server). --origin
defaults to the key's name. The state file is created on the first run and updated after each
successful one. Every run re-reads every entry and checks it against the state file, the stored
hashes and proofs the server serves, and the log's rules; --new-only skips re-reading entries
verified before, their stored hashes and the rules (faster for very large logs, weaker);
--full is still accepted and changes nothing (it is the default).
${POLICY_USAGE}
--wait (default 30) is how long to wait for a checkpoint that includes this run's own login.
Exit codes: 0 verified, 3 the log FAILED verification (fork, rollback, bad signature, missing or
changed entry, wrong stored hash or proof, missing or stale cosignatures, own login missing,
broken rule), 1 other errors, 2 usage.`;

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
      'new-only': { type: 'boolean' },
      wait: { type: 'string' },
      ...POLICY_OPTIONS,
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const server = required(values.server, 'server', USAGE);
  const statePath = required(values.state, 'state', USAGE);
  const keyFile = required(values.key, 'key', USAGE);
  const verifier = readLogVerifier(required(values['log-key'], 'log-key', USAGE));
  const origin = values.origin ?? verifier.name;
  const wait = values.wait === undefined ? 30 : Number(values.wait);
  if (!Number.isInteger(wait) || wait < 0 || wait > 3600) throw new UsageError('--wait must be a number of seconds (0 to 3600)');
  const hasher = nodeTreeHasher();
  const state = loadState(statePath, origin, verifier, hasher);
  const trusted = state?.trusted ?? null;
  const { policy, saved, notes } = resolvePolicy(values, state?.policy ?? null, origin, verifier);
  for (const note of notes) say(note);
  const previous = trusted?.checkpoint.size ?? 0;
  const mode = values['new-only'] ? 'new-only' : 'full';

  const session = await auditorSession(server, keyFile, values['passphrase-file']);
  const counts = new Map<string, number>();
  const started = performance.now();
  const bar = progress('verified entries');
  let run: Awaited<ReturnType<typeof auditRun>>;
  try {
    run = await auditRun({
      source: new LogApi(session.api),
      policy,
      trusted,
      mode,
      ownSession: session.api.token ? sessionLogId(session.api.token) : null,
      waitSeconds: wait,
      hasher,
      onWait: (reason) => say(`waiting for a fresher checkpoint: ${reason}`),
      onEntry: (index, entry) => {
        bar.update(index + 1);
        if (index < previous) return;
        const { actor, action } = fieldsOf(entry);
        const key = `${actor}\u0000${action}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      },
    });
  } catch (e) {
    if (e instanceof VerificationFailure) return reportFailure(e);
    throw e;
  } finally {
    bar.done();
    await session.close();
  }
  const { result } = run;
  saveState(statePath, origin, verifier, result.trusted, saved);

  const size = result.trusted.checkpoint.size;
  const seconds = (performance.now() - started) / 1000;
  const nowSeconds = Date.now() / 1000;
  const lines = [
    `log         ${origin} (key ${verifier.name})`,
    `checkpoint  ${size} entries, root ${base64Encode(result.trusted.checkpoint.rootHash)}`,
    policy.cosigners.length > 0
      ? `cosigned    ${new Set(result.cosignatures.valid.map((v) => v.name)).size} of ${policy.cosigners.length} trusted cosigners (quorum ${policy.quorum}): ${result.cosignatures.valid
          .map((v) => `${v.name} ${Math.max(0, Math.round(nowSeconds - v.timestamp))} s ago`)
          .join(', ')}`
      : 'cosigned    not checked (no cosigner keys)',
    trusted
      ? `verified    ${size - previous} new entries (#${previous} to #${size - 1}) consistent with your last checkpoint of ${previous} entries; ${mode === 'full' ? `all ${previous} earlier entries re-read and unchanged` : 'earlier entries NOT re-read (--new-only)'}`
      : `verified    all ${size} entries (first run: this checkpoint is now your reference)`,
    mode === 'full'
      ? `proofs      every stored hash and a sample of inclusion and consistency proofs match your own computation`
      : `proofs      new stored hashes and a sample of proofs match your own computation`,
    `fresh       your login of this run is entry #${run.ownLogin}, in this checkpoint; newest cosignature within ${policy.maxAgeSeconds} s`,
  ];
  if (size === previous) lines[3] = `verified    no new entries; same checkpoint as last time; all ${size} entries re-read and unchanged`;
  lines.push(...(run.rules ? ruleSummaryLines(run.rules) : ['rules       NOT checked (--new-only)']));
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
