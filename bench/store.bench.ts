// Benchmark of the store's maintenance (issue 13 item 6, issue 16 item 3): on a real SQLite file
// holding 1,000, 10,000 and 100,000 text-only reports (rows of the real sizes: a sealed report
// part, the two armored reply keys, routes, a logged receipt), it prints
//   - each maintenance query's cost (receipts not yet logged, retention, expired challenges and
//     sessions, the bucket-close step's own queries) against a primary-key lookup measured in the
//     same run (the floor), and its growth from 1k to 100k (the goal is within 2x);
//   - the bucket-close step: moving one bucket of reports out of staging, in random order, with
//     their receipts, then scrubbing the files: time and bytes written, and its share of the
//     bucket length;
//   - the longest stall of a 20 ms poll of GET /api/v1/config on the real HTTP server while a
//     maintenance run closes a bucket and deletes expired reports, against the same poll with
//     nothing running (the floor);
//   - storage per text-only report on disk (pages of the report tables, the staff list's index
//     tables and all their indexes, from SQLite's dbstat), against the bytes of its data, and the
//     whole file per report.
// Every figure is measured in the same run; nothing here passes or fails on time. Bounded: about
// two minutes on the development machine. RELAIS_BENCH_SIZES=100000 runs one size only;
// RELAIS_BENCH_TRACE=1 prints every database call of the maintenance run that took over 30 ms,
// with its CPU time (the rest is waiting for the disk).
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomBytes, toBase64, toBase64Url } from '../src/core/bytes.ts';
import { newReportRef } from '../src/core/refs.ts';
import { closeBuckets, runMaintenance } from '../src/server/maintenance.ts';
import type { NewReport } from '../src/store/reports.ts';
import { makeFixture, startTestServer, type TestServer } from '../test/helpers/fixture.ts';

const SIZES = process.env.RELAIS_BENCH_SIZES ? process.env.RELAIS_BENCH_SIZES.split(',').map(Number) : [1_000, 10_000, 100_000];
/** reports in the bucket that closes, and reports expiring, in each maintenance run measured */
const BUCKET_REPORTS = 100;
const ROUNDS = 15;
const HOUR = 3600;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Sizes of a real text-only report as the browser sends it (sealed to 3 keys, with a receipt). */
const PART_BYTES = 905;
const PUBLIC_KEY_CHARS = 640;
const LOCKED_KEY_CHARS = 1003;

function armoredLike(chars: number): string {
  return `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${toBase64(randomBytes(Math.floor(chars * 0.7)))
    .slice(0, chars - 80)
    .replace(/(.{64})/g, '$1\n')}\n-----END PGP PUBLIC KEY BLOCK-----\n`;
}

function textOnlyReport(bucket: number): NewReport {
  return {
    category: 'trafic',
    receivedBucket: bucket,
    configHash: 'c'.repeat(64),
    routes: [
      { inboxId: 'police', audience: 'main' },
      { inboxId: 'city', audience: 'main' },
    ],
    parts: [{ role: 'report', bytes: randomBytes(PART_BYTES) }],
    spentChallenge: { nonce: toBase64Url(randomBytes(16)), expires: bucket + 2 * HOUR },
    followUp: {
      lookupHash: toBase64Url(randomBytes(32)),
      publicKey: armoredLike(PUBLIC_KEY_CHARS),
      lockedKey: armoredLike(LOCKED_KEY_CHARS),
    },
  };
}

/** Fills the main tables directly, in random key order (the order the bucket-close move gives). */
function fill(dbPath: string, count: number, now: number): void {
  const db = new Database(dbPath);
  db.pragma('synchronous = OFF');
  const report = db.prepare(
    'INSERT INTO reports (ref, category, received_bucket, config_hash, status, receipt_logged, lookup_hash) VALUES (?, ?, ?, ?, ?, 1, ?)',
  );
  const keys = db.prepare('INSERT INTO reply_keys (ref, public_key, locked_key) VALUES (?, ?, ?)');
  const route = db.prepare('INSERT INTO report_routes (ref, inbox_id, audience) VALUES (?, ?, ?)');
  const part = db.prepare('INSERT INTO parts (ref, idx, role, size, data) VALUES (?, 0, ?, ?, ?)');
  const audit = db.prepare('INSERT INTO audit_entries (idx, entry) VALUES ((SELECT COALESCE(MAX(idx), -1) + 1 FROM audit_entries), ?)');
  const challenge = db.prepare('INSERT INTO spent_challenges (nonce, expires) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      // Spread over the retention period, none expired yet.
      const bucket = now - HOUR - HOUR * Math.floor((i / count) * 300 * 24);
      const r = textOnlyReport(bucket);
      const ref = newReportRef(randomBytes);
      report.run(ref, r.category, bucket, r.configHash, 'received', r.followUp?.lookupHash);
      keys.run(ref, r.followUp?.publicKey, r.followUp?.lockedKey);
      for (const rt of r.routes) route.run(ref, rt.inboxId, rt.audience);
      part.run(ref, 'report', PART_BYTES, r.parts[0]?.bytes);
      audit.run(
        `{"action":"report.received","actor":"system","bucket":"2026-01-01T00:00:00Z","details":{"category":"trafic"},"report":"${ref}","v":1}`,
      );
    }
    // An hour of spent challenges, still valid.
    for (let i = 0; i < 200; i++) challenge.run(toBase64Url(randomBytes(16)), now + HOUR);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function median(run: () => Promise<unknown>, rounds = ROUNDS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

/** Bytes this process has written (write(2) calls), from /proc/self/io. */
function written(): number {
  const m = /wchar: ([0-9]+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return m ? Number(m[1]) : 0;
}

/**
 * While `during` runs: the longest delay beyond 20 ms between the answers of a 20 ms poll of
 * /api/v1/config, and the longest the server's event loop was held up (perf_hooks).
 */
async function longestStall(url: string, during: () => Promise<unknown>): Promise<{ poll: number; loop: number }> {
  let stop = false;
  let worst = 0;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const poll = (async () => {
    let last = performance.now();
    while (!stop) {
      await new Promise((r) => setTimeout(r, 20));
      await (await fetch(`${url}/api/v1/config`)).arrayBuffer();
      const t = performance.now();
      worst = Math.max(worst, t - last - 20);
      last = t;
    }
  })();
  await new Promise((r) => setTimeout(r, 100));
  loop.enable();
  await during();
  loop.disable();
  await new Promise((r) => setTimeout(r, 100));
  stop = true;
  await poll;
  return { poll: worst, loop: loop.max / 1e6 };
}

/** Records the longest synchronous database call of each kind while `during` runs (better-sqlite3 blocks the event loop for that long). */
async function longestCalls(db: object, during: () => Promise<unknown>): Promise<Record<string, number>> {
  const target = db as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const longest: Record<string, number> = {};
  const originals = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  for (const name of ['all', 'first', 'run', 'batch', 'scrub']) {
    const original = target[name];
    if (!original) continue;
    originals.set(name, original);
    target[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const result = original.apply(db, args);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (process.env.RELAIS_BENCH_TRACE && ms > 30)
        console.log(
          `    slow ${name} ${ms.toFixed(0)} ms (cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms): ${String(JSON.stringify(args[0])).slice(0, 80)}`,
        );
      longest[name] = Math.max(longest[name] ?? 0, ms);
      return result;
    };
  }
  try {
    await during();
  } finally {
    for (const [name, original] of originals) target[name] = original;
  }
  return longest;
}

interface Figures {
  floor: number;
  queries: Record<string, number>;
  closeMs: number;
  closeBytes: number;
  stall: { poll: number; loop: number };
  stallFloor: { poll: number; loop: number };
  calls: Record<string, number>;
  perReport: number;
  filePerReport: number;
  dataPerReport: number;
}

async function measure(size: number): Promise<Figures> {
  const fixture = await makeFixture({ patch: (json) => (json.retentionDays = 365) });
  const dbPath = join(fixture.dir, 'bench.db');
  let now = (Math.floor(Date.now() / 1000 / HOUR) * HOUR + 5 * 60) * 1000;
  // The schema first (through the server's own start), then the rows.
  (await startTestServer(fixture, { dbPath, clock: () => now })).close();
  fill(dbPath, size, Math.floor(now / 1000));
  const server: TestServer = await startTestServer(fixture, { dbPath, clock: () => now });
  try {
    const { store } = server.relais;
    const refs = (await store.db.all<{ ref: string }>('SELECT ref FROM reports LIMIT 50')).map((r) => r.ref);
    let i = 0;
    const floor = await median(() => store.db.first('SELECT ref FROM reports WHERE ref = ?', [refs[i++ % refs.length] as string]));
    const open = Math.floor(now / 1000) - (Math.floor(now / 1000) % HOUR);
    const queries: Record<string, number> = {
      'receipts not yet logged': await median(() => store.staging.dueBuckets(open)),
      'reports of a bucket to close': await median(() => store.staging.dueReports(open - HOUR)),
      'messages to move': await median(() => store.staging.dueMessages(open)),
      'retention (nothing expired)': await median(() => store.reports.receivedBefore(open - 365 * 86_400, 100)),
      'blobs to sweep': await median(() => store.sweepBlobs()),
      'expired challenges': await median(() => store.deleteExpiredChallenges(Math.floor(now / 1000) - HOUR)),
      'expired sessions': await median(() => store.sessions.deleteExpired(now, 15 * 60_000)),
    };

    // One bucket closes: its reports move out of staging, then the files are scrubbed.
    const stage = async (bucket: number) => {
      for (let k = 0; k < BUCKET_REPORTS; k++) await store.reports.insert(textOnlyReport(bucket));
    };
    await stage(open);
    now += HOUR * 1000;
    const before = written();
    const t0 = performance.now();
    await closeBuckets(server.relais);
    await store.scrub();
    const closeMs = performance.now() - t0;
    const closeBytes = written() - before;

    // Stall: a maintenance run closing a bucket and deleting as many expired reports, under a 20 ms poll.
    const stallFloor = await longestStall(server.url, () => new Promise((r) => setTimeout(r, 1500)));
    await stage(open + HOUR);
    const old = Math.floor(now / 1000) - 400 * 86_400;
    const expired = (await store.db.all<{ ref: string }>('SELECT ref FROM reports LIMIT ?', [BUCKET_REPORTS])).map((r) => r.ref);
    await store.batch(expired.map((ref) => ({ sql: 'UPDATE reports SET received_bucket = ? WHERE ref = ?', params: [old, ref] })));
    now += HOUR * 1000;
    let calls: Record<string, number> = {};
    const stall = await longestStall(server.url, async () => {
      calls = await longestCalls(store.db, () => runMaintenance(server.relais));
    });

    // Storage of the report tables, the staff list's index tables (migrations/0007) and all their
    // indexes, page by page; and the whole file (audit entries included).
    const db = new Database(dbPath, { readonly: true });
    const owners = ['reports', 'reply_keys', 'report_routes', 'parts', 'inbox_reports', 'unread_reports'];
    const pages = db
      .prepare(
        `SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name IN
           (SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') AND tbl_name IN (${owners.map(() => '?').join(', ')}))`,
      )
      .get(...owners) as { bytes: number };
    const file = db.prepare('SELECT SUM(pgsize) AS bytes FROM dbstat').get() as { bytes: number };
    const reports = (db.prepare('SELECT COUNT(*) AS n FROM reports').get() as { n: number }).n;
    const data = db
      .prepare(
        `SELECT
           (SELECT SUM(length(ref) + length(category) + 8 + length(config_hash) + length(status) + 1 + length(lookup_hash)) FROM reports)
         + (SELECT SUM(length(public_key) + length(locked_key)) FROM reply_keys)
         + (SELECT SUM(length(ref) + length(inbox_id) + length(audience)) FROM report_routes)
         + (SELECT SUM(length(ref) + 1 + length(role) + 2 + length(data)) FROM parts) AS bytes`,
      )
      .get() as { bytes: number };
    db.close();
    return {
      floor,
      queries,
      closeMs,
      closeBytes,
      stall,
      stallFloor,
      calls,
      perReport: pages.bytes / reports,
      filePerReport: file.bytes / reports,
      dataPerReport: data.bytes / reports,
    };
  } finally {
    await server.close();
  }
}

export default async function (): Promise<void> {
  console.log(
    `text-only reports of real sizes (${PART_BYTES} B sealed part, ${PUBLIC_KEY_CHARS} + ${LOCKED_KEY_CHARS} chars of reply keys); ${BUCKET_REPORTS} reports per closing bucket`,
  );
  const results: Figures[] = [];
  for (const size of SIZES) {
    const f = await measure(size);
    results.push(f);
    console.log(`\n${fmt(size)} stored reports   (floor: a primary-key lookup, ${fmt(f.floor * 1000)} µs)`);
    for (const [name, ms] of Object.entries(f.queries))
      console.log(`  ${name.padEnd(30)} ${fmt(ms * 1000).padStart(7)} µs  = ${fmt(ms / f.floor, 1).padStart(6)} × floor`);
    console.log(
      `  bucket close (${BUCKET_REPORTS} reports moved, scrubbed) ${fmt(f.closeMs)} ms, ${fmt(f.closeBytes / 1e6, 1)} MB written; ${fmt((f.closeMs / 1000 / HOUR) * 100, 4)} % of a one-hour bucket`,
    );
    console.log(
      `  longest stall of a 20 ms poll: ${fmt(f.stall.poll)} ms during maintenance, ${fmt(f.stallFloor.poll)} ms with nothing running; event loop held up at most ${fmt(f.stall.loop)} ms (${fmt(f.stallFloor.loop)} ms idle)`,
    );
    console.log(
      `  longest single database call in that run: ${Object.entries(f.calls)
        .map(([k, ms]) => `${k} ${fmt(ms, 1)} ms`)
        .join(', ')}`,
    );
    console.log(
      `  storage per text-only report ${fmt(f.perReport)} B on disk (its tables, the staff list's index tables, their indexes) for ${fmt(f.dataPerReport)} B of data = ${fmt(f.perReport / f.dataPerReport, 2)} ×; whole file ${fmt(f.filePerReport)} B per report`,
    );
  }
  const first = results[0] as Figures;
  const last = results[results.length - 1] as Figures;
  console.log(`\ngrowth from ${fmt(SIZES[0] as number)} to ${fmt(SIZES[SIZES.length - 1] as number)} reports (goal: within 2×)`);
  for (const name of Object.keys(first.queries)) {
    const growth = (last.queries[name] as number) / (first.queries[name] as number);
    const relative = growth / (last.floor / first.floor);
    console.log(`  ${name.padEnd(30)} ${fmt(growth, 2)} ×  (${fmt(relative, 2)} × relative to the floor's own growth)`);
  }
  console.log(`  bucket close                   ${fmt(last.closeMs / first.closeMs, 2)} ×`);
}
