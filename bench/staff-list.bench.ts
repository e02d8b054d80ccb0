// Benchmark of the staff list and search (issue 16 item 3, issue 15 §1): on a real SQLite file
// with 1,000, 10,000 and 100,000 reports, the cost of page 1 of each view (all, open, unread,
// mine) in each sort (received bucket, last activity), of a search by reference and by witness
// number, and of the counts (a view's, exact from the counters; a filtered one, stopping at
// 1,001), through the store code the server runs. Each figure is the
// median of ROUNDS runs, interleaved with the floor (a primary-key lookup of one report, the
// cheapest query there is), and printed as milliseconds, as a ratio to the floor, and as its
// growth from 1,000 to 100,000 reports (the goal: within 2x), in milliseconds and in multiples of
// the floor (which takes out the machine's load between sizes). The list query the console used
// before (a COUNT(*) with a correlated EXISTS over every report) is printed beside it for scale.
// Bounded: seeding 100,000 reports takes seconds; nothing here passes or fails on time.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newReportRef } from '../src/core/refs.ts';
import { readMigrations } from '../src/node.ts';
import { applyMigrations } from '../src/store/migrate.ts';
import type { ListQuery } from '../src/store/report-list.ts';
import { openSqlite } from '../src/store/sqlite.ts';
import { Store } from '../src/store/store.ts';

const SIZES = [1_000, 10_000, 100_000];
const ROUNDS = 25;
const CATEGORIES = ['trafic', 'armes', 'prevention', 'temoin'];
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const pick = (n: number) => (crypto.getRandomValues(new Uint32Array(1))[0] as number) % n;

function seed(path: string, n: number): { refs: string[]; witness: string } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const refs: string[] = [];
  let witness = '';
  db.prepare("INSERT INTO inbox_members (inbox_id, member_id) VALUES ('police', 'm'), ('city', 'm')").run();
  const insert = db.transaction(() => {
    const report = db.prepare(
      'INSERT INTO reports (ref, category, received_bucket, config_hash, status, receipt_logged) VALUES (?, ?, ?, ?, ?, 1)',
    );
    const route = db.prepare("INSERT INTO report_routes (ref, inbox_id, audience) VALUES (?, ?, 'main')");
    const part = db.prepare("INSERT INTO parts (ref, idx, role, size, data) VALUES (?, 0, 'report', 512, zeroblob(512))");
    const read = db.prepare("INSERT INTO report_reads (ref, member_id) VALUES (?, 'm')");
    const message = db.prepare(
      "INSERT INTO messages (ref, idx, author, member_id, kind, status, at, size, data) VALUES (?, 0, 'resident', NULL, 'message', NULL, ?, 1, x'00')",
    );
    const assign = db.prepare("UPDATE inbox_reports SET assignee = 'm' WHERE ref = ? AND inbox_id = 'police'");
    const wit = db.prepare('INSERT INTO witnesses (number, ref) VALUES (?, ?)');
    const start = 1_800_000_000 - (1_800_000_000 % 3600);
    for (let i = 0; i < n; i++) {
      const ref = newReportRef(rnd);
      refs.push(ref);
      const bucket = start - 3600 * pick(24 * 365);
      const r = pick(10);
      const status = r < 7 ? 'closed' : r < 9 ? 'in-progress' : 'received';
      const category = CATEGORIES[pick(CATEGORIES.length)] as string;
      report.run(ref, category, bucket, 'c'.repeat(64), status);
      route.run(ref, 'police');
      if (pick(2) === 0) route.run(ref, 'city');
      part.run(ref);
      // a steady state: most reports read, a few assigned, some with a resident message
      if (pick(10) < 8) read.run(ref);
      if (pick(20) === 0) assign.run(ref);
      if (pick(3) === 0) message.run(ref, bucket + 3600 * pick(48));
      if (category === 'temoin') {
        const number = `W-${newReportRef(rnd).slice(2, 11)}`;
        wit.run(number, ref);
        witness = number;
      }
    }
  });
  insert();
  db.close();
  return { refs, witness };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export default async function run(): Promise<void> {
  const results = new Map<string, { ms: number; floor: number }[]>();
  for (const n of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'relais-bench-list-'));
    const path = join(dir, 'relais.sqlite');
    try {
      const driver = openSqlite(path);
      await applyMigrations(driver, readMigrations());
      await driver.close();
      const t0 = performance.now();
      const { refs, witness } = seed(path, n);
      console.log(`seeded ${n.toLocaleString('en-US')} reports in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const db = openSqlite(path);
      const store = new Store(db, { get: async () => null, put: async () => {}, delete: async () => {} });
      const base: ListQuery = { inboxIds: ['police'], memberId: 'm', limit: 50, offset: 0 };
      const ref = refs[pick(refs.length)] as string;
      const queries: [string, () => Promise<unknown>][] = [];
      for (const view of ['all', 'open', 'unread', 'mine'] as const)
        for (const sort of ['received', 'activity'] as const)
          queries.push([`page 1, ${view}, by ${sort}`, () => store.reportList.list({ ...base, view, sort })]);
      queries.push(['page 1, open, police + city', () => store.reportList.list({ ...base, inboxIds: ['police', 'city'], view: 'open' })]);
      queries.push(['page 1, category', () => store.reportList.list({ ...base, category: 'armes' })]);
      queries.push(['search R- (whole)', () => store.reportList.list({ ...base, search: { kind: 'ref', prefix: ref } })]);
      queries.push(['search R- (first 4)', () => store.reportList.list({ ...base, search: { kind: 'ref', prefix: ref.slice(0, 6) } })]);
      queries.push(['search W- (whole)', () => store.reportList.list({ ...base, search: { kind: 'witness', prefix: witness } })]);
      queries.push(['count of a view (exact)', () => db.all("SELECT key, n FROM list_counts WHERE inbox_id = 'police'")]);
      queries.push([
        'count with a filter (capped)',
        () =>
          db.first(
            "SELECT COUNT(*) AS n FROM (SELECT DISTINCT ref FROM inbox_reports WHERE inbox_id = 'police' AND category = 'armes' LIMIT 1001)",
          ),
      ]);
      queries.push([
        'before: COUNT(*) with EXISTS',
        () =>
          db.first(
            "SELECT COUNT(*) AS n FROM reports r WHERE EXISTS (SELECT 1 FROM report_routes rt WHERE rt.ref = r.ref AND rt.inbox_id IN ('police'))",
          ),
      ]);
      const floor = () => db.first('SELECT ref, status FROM reports WHERE ref = ?', [ref]);
      for (const [name, q] of queries) {
        await q();
        const times: number[] = [];
        const floors: number[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          let t = performance.now();
          await floor();
          floors.push(performance.now() - t);
          t = performance.now();
          await q();
          times.push(performance.now() - t);
        }
        results.set(name, [...(results.get(name) ?? []), { ms: median(times), floor: median(floors) }]);
      }
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const head = SIZES.map((n) => `${(n / 1000).toFixed(0)}k ms (x floor)`.padStart(18)).join('');
  console.log(`${'query'.padEnd(32)}${head}   growth 1k→100k: ms, x floor`);
  for (const [name, rows] of results) {
    const cells = rows.map((r) => `${r.ms.toFixed(3)} (${(r.ms / r.floor).toFixed(0)})`.padStart(18)).join('');
    const first = rows[0] as { ms: number; floor: number };
    const last = rows[rows.length - 1] as { ms: number; floor: number };
    const relative = last.ms / last.floor / (first.ms / first.floor);
    console.log(`${name.padEnd(32)}${cells}   ${(last.ms / first.ms).toFixed(2)}x, ${relative.toFixed(2)}x`);
  }
  console.log('(a count with a filter stops at 1,001 rows: it grows until a store has that many, then stays flat)');
}
