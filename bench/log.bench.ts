// Benchmark of the transparency log as it runs (DESIGN promise 7, issue 6: "verifying a log of
// 1,000,000 entries from a saved checkpoint takes seconds"), on a real SQLite file behind a real
// HTTP server:
//   - append through the real store: one staff action at a time (append, integrate, sign a
//     checkpoint: what each logging request costs), and a bulk catch-up integration of 1,000,000
//     entries (read entries, hash, write ~2,000,000 stored hashes in guarded batches);
//   - verify the log after 1,000,000 new entries from a saved state with the code of `relais audit
//     verify` (entries fetched over HTTP in pages of 10,000, node:crypto SHA-256, the summary):
//     the default full re-check (every entry, every stored hash, a sample of proofs) and
//     --new-only; and the size of the state file (the leaf hashes of every entry).
// The floor of each figure is the raw SHA-256 leaf hashing (RFC 9162: 0x00 || entry) of the very
// entries it handles, with the implementation it uses, measured right before and right after it
// (the mean of the two, so that a change of load during the figure shows in neither alone); each
// figure is printed as a multiple of that floor. Every phase has a fixed size; the whole is bounded
// in time by bench/run.ts. Nothing here passes or fails on time.
import Database from 'better-sqlite3';
import { hash as nodeHash } from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { canonicalJson } from '../src/core/canonical-json.ts';
import { parseVerifierKey, type Sha256Fn } from '../src/core/tlog/index.ts';
import { formatState } from '../src/client/audit-state.ts';
import { nodeTreeHasher } from '../src/cli/audit-common.ts';
import { LogApi } from '../src/client/audit-log-client.ts';
import { verifyLog, type Trusted, type TrustPolicy } from '../src/client/audit-verifier.ts';
import { fieldsOf } from '../src/cli/audit-verify.ts';
import { startLogServer, staff } from '../test/log/helpers.ts';

const SAVED_SIZE = 12_345;
const NEW_ENTRIES = 1_000_000;
const STAFF_ACTIONS = 2_000;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Seconds to leaf-hash every entry once (0x00 || entry), the floor of a figure on those entries. */
function leafHashing(sha256: Sha256Fn, entries: Uint8Array[]): number {
  const input = new Uint8Array(1 + entries.reduce((n, e) => Math.max(n, e.length), 0));
  const t0 = performance.now();
  for (const e of entries) {
    input.set(e, 1);
    sha256(input.subarray(0, 1 + e.length));
  }
  return (performance.now() - t0) / 1000;
}

/** A staff entry as the server writes it (about 110 bytes). */
function entry(i: number): string {
  return canonicalJson({
    v: 1,
    action: 'report.read',
    actor: `member:liaison-police-${i % 7}`,
    time: '2026-11-26T05:00:00Z',
    report: `R-${String(i).padStart(4, '0').slice(-4)}-ABCD-EFGH`,
    details: { part: 0 },
  });
}

const nodeSha256: Sha256Fn = (m) => nodeHash('sha256', m, 'buffer');

/**
 * Runs `figure` between two measures of its floor (the raw leaf hashing of `entries`) and prints
 * it as a multiple of their mean.
 */
async function againstFloor<T>(
  label: string,
  sha: 'noble' | 'node:crypto',
  entries: () => Uint8Array[],
  figure: () => Promise<T>,
  describe: (value: T, seconds: number) => string,
): Promise<T> {
  const sha256 = sha === 'noble' ? nobleSha256 : nodeSha256;
  const inputs = entries();
  leafHashing(sha256, inputs.slice(0, 1000)); // warm-up
  const before = leafHashing(sha256, inputs);
  const t0 = performance.now();
  const value = await figure();
  const seconds = (performance.now() - t0) / 1000;
  const floor = (before + leafHashing(sha256, inputs)) / 2;
  console.log(
    `${label.padEnd(42)} ${describe(value, seconds)}  = ${fmt(seconds / floor, 1)} × the raw ${sha} leaf hashing of the same entries`,
  );
  return value;
}

export default async function (): Promise<void> {
  console.log(`entries of ~${entry(0).length} bytes; server on a SQLite file; each figure against its floor, measured around it`);

  const server = await startLogServer();
  try {
    const { relais } = server;
    const db = new Database(server.dbPath);
    const fill = (from: number, count: number) => {
      const insert = db.prepare('INSERT INTO audit_entries (idx, entry) VALUES (?, ?)');
      db.transaction(() => {
        for (let i = from; i < from + count; i++) insert.run(i, entry(i));
      })();
    };
    const stored = (from: number, to: number) =>
      (db.prepare('SELECT entry FROM audit_entries WHERE idx >= ? AND idx < ? ORDER BY idx').all(from, to) as { entry: string }[]).map(
        (r) => new TextEncoder().encode(r.entry),
      );

    // One staff action at a time, as the routes do it: append, integrate, sign. Its floor is the
    // hashing of entries like the ones it appends (the real ones exist only afterwards).
    const sample = Array.from({ length: STAFF_ACTIONS }, (_, i) =>
      new TextEncoder().encode(
        canonicalJson({ v: 1, action: 'report.list', actor: 'member:officer-a', time: '2026-11-26T05:00:00Z', details: { page: i } }),
      ),
    );
    await againstFloor(
      'append 1 staff action + integrate + sign',
      'noble',
      () => sample,
      async () => {
        for (let i = 0; i < STAFF_ACTIONS; i++) {
          await relais.audit.append({ action: 'report.list', actor: 'member:officer-a', details: { page: 1 } });
          await relais.tlog.integrate();
        }
      },
      (_, seconds) => `${fmt(STAFF_ACTIONS / seconds).padStart(8)} actions/s (${fmt((seconds / STAFF_ACTIONS) * 1000, 2)} ms each)`,
    );

    // The auditor's saved state: a first full verification at SAVED_SIZE entries.
    let size = (await relais.tlog.table.head())!.size;
    fill(size, SAVED_SIZE - size);
    await relais.tlog.integrate();
    const api = await staff(server, 'auditor-f');
    const source = new LogApi(api);
    const verifier = parseVerifierKey(server.config.logVerifierKey);
    const policy: TrustPolicy = { origin: 'relais.test/log', logVerifier: verifier, cosigners: [], quorum: 0, maxAgeSeconds: 900 };
    const hasher = nodeTreeHasher();
    const saved: Trusted = (await verifyLog({ source, policy, trusted: null, hasher })).trusted;
    size = (await relais.tlog.table.head())!.size;

    // A million entries arrive; the server integrates them as it catches up, and signs.
    fill(size, NEW_ENTRIES - (size - saved.checkpoint.size));
    const total = saved.checkpoint.size + NEW_ENTRIES;
    await againstFloor(
      `integrate ${fmt(total - size)} entries (noble)`,
      'noble',
      () => stored(size, total),
      () => relais.tlog.integrate(),
      (head, seconds) => `${fmt((head.treeSize - size) / seconds).padStart(8)} entries/s (${fmt(seconds, 2)} s)`,
    );

    // As `relais audit verify` does it, with its per-actor, per-action summary.
    const counts = new Map<string, number>();
    const summarize = (_: number, e: string) => {
      const { actor, action } = fieldsOf(e);
      counts.set(`${actor} ${action}`, (counts.get(`${actor} ${action}`) ?? 0) + 1);
    };
    for (const mode of ['full', 'new-only'] as const) {
      const from = mode === 'full' ? 0 : saved.checkpoint.size;
      const verified = await againstFloor(
        `verify ${mode.padEnd(8)} ${fmt(total - from)} entries, HTTP`,
        'node:crypto',
        () => stored(from, total),
        () => verifyLog({ source, policy, trusted: saved, hasher, mode, onEntry: summarize }),
        (v, seconds) => `${fmt((v.trusted.checkpoint.size - from) / seconds).padStart(8)} entries/s (${fmt(seconds, 2)} s in all)`,
      );
      if (mode === 'full') {
        const state = formatState('relais.test/log', verifier, verified.trusted, { cosigners: [], quorum: 0, maxAgeSeconds: 900 });
        const entries = verified.trusted.checkpoint.size;
        console.log(
          `state file for ${fmt(entries)} entries       ${fmt(state.length / 1e6, 1)} MB (${fmt(state.length / entries, 1)} bytes an entry)`,
        );
      }
    }
    db.close();
  } finally {
    await server.close();
  }
}
