// Benchmark of the transparency log as it runs (DESIGN promise 7, issue 6: "verifying a log of
// 1,000,000 entries from a saved checkpoint takes seconds"), on a real SQLite file behind a real
// HTTP server, beside raw SHA-256 measured in the same run:
//   - raw SHA-256 of 64-byte inputs, @noble/hashes (what the server uses) and node:crypto (the CLI);
//   - append through the real store: one staff action at a time (append, integrate, sign a
//     checkpoint: what each logging request costs), and a bulk catch-up integration of 1,000,000
//     entries (read entries, hash, write ~2,000,000 stored hashes in guarded batches);
//   - verify the log after 1,000,000 new entries from a saved state with the code of `relais audit
//     verify` (entries fetched over HTTP in pages of 10,000, node:crypto SHA-256, the summary):
//     the default full re-check (every entry, every stored hash, a sample of proofs) and
//     --new-only; and the size of the state file (the leaf hashes of every entry).
// The raw baseline is measured again right before each figure (the machine's load varies), and
// each rate is also given as "raw hashes per entry". Nothing here passes or fails on time.
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
const RAW_HASHES = 200_000;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function rawRate(sha256: Sha256Fn): number {
  const input = new Uint8Array(64).map((_, i) => i);
  for (let i = 0; i < 20_000; i++) sha256(input);
  const t0 = performance.now();
  for (let i = 0; i < RAW_HASHES; i++) {
    input[0] = i & 0xff;
    sha256(input);
  }
  return RAW_HASHES / ((performance.now() - t0) / 1000);
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

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await run();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

const nodeSha256: Sha256Fn = (m) => nodeHash('sha256', m, 'buffer');

/** Measures and prints the raw baseline of one SHA-256 implementation, and returns it. */
function baseline(name: 'noble' | 'node:crypto'): number {
  const rate = rawRate(name === 'noble' ? nobleSha256 : nodeSha256);
  console.log(`  raw SHA-256 (64 B), ${name.padEnd(11)} ${fmt(rate).padStart(10)} hashes/s`);
  return rate;
}

export default async function (): Promise<void> {
  console.log(`entries of ~${entry(0).length} bytes; server on a SQLite file; figures after their raw baseline`);

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

    // One staff action at a time, as the routes do it: append, integrate, sign.
    const rawBefore = baseline('noble');
    const perAction = await timed(async () => {
      for (let i = 0; i < STAFF_ACTIONS; i++) {
        await relais.audit.append({ action: 'report.list', actor: 'member:officer-a', details: { page: 1 } });
        await relais.tlog.integrate();
      }
    });
    const actionRate = STAFF_ACTIONS / perAction.seconds;
    console.log(
      `append 1 staff action + integrate + sign  ${fmt(actionRate).padStart(8)} actions/s  (${fmt((perAction.seconds / STAFF_ACTIONS) * 1000, 2)} ms each = ${fmt(rawBefore / actionRate)} raw noble hashes)`,
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
    const rawNoble = baseline('noble');
    const bulk = await timed(() => relais.tlog.integrate());
    const integrated = bulk.value.treeSize - size;
    const bulkRate = integrated / bulk.seconds;
    console.log(
      `integrate ${fmt(integrated)} entries (noble)    ${fmt(bulkRate).padStart(8)} entries/s  = ${fmt(rawNoble / bulkRate, 2)} raw noble hashes per entry  (${fmt(bulk.seconds, 2)} s)`,
    );

    let rawNode = baseline('node:crypto');
    // As `relais audit verify` does it, with its per-actor, per-action summary.
    const counts = new Map<string, number>();
    const summarize = (_: number, e: string) => {
      const { actor, action } = fieldsOf(e);
      counts.set(`${actor} ${action}`, (counts.get(`${actor} ${action}`) ?? 0) + 1);
    };
    for (const mode of ['full', 'new-only'] as const) {
      rawNode = baseline('node:crypto');
      const verify = await timed(() => verifyLog({ source, policy, trusted: saved, hasher, mode, onEntry: summarize }));
      const size = verify.value.trusted.checkpoint.size;
      const checked = mode === 'full' ? size : size - saved.checkpoint.size;
      const rate = checked / verify.seconds;
      console.log(
        `verify ${mode.padEnd(8)} ${fmt(checked)} entries, HTTP  ${fmt(rate).padStart(8)} entries/s  = ${fmt(rawNode / rate, 2)} raw node hashes per entry  (${fmt(verify.seconds, 2)} s in all)`,
      );
      if (mode === 'full') {
        const state = formatState('relais.test/log', verifier, verify.value.trusted, { cosigners: [], quorum: 0, maxAgeSeconds: 900 });
        console.log(
          `state file for ${fmt(size)} entries       ${fmt(state.length / 1e6, 1)} MB (${fmt(state.length / size, 1)} bytes an entry)`,
        );
      }
    }
    db.close();
  } finally {
    await server.close();
  }
}
