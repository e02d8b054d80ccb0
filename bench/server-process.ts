// A server for the benchmarks, in a process of its own so that its memory and CPU are measured
// apart from the load generator's: `relais` (the real Node server on a throwaway fixture, as the
// tests start it) or `floor` (a bare Hono + better-sqlite3 endpoint that takes the same multipart
// body of a report with req.formData() and stores its fields in one transaction: what any server
// taking that body must at least do). Over IPC it reports its URL, then answers "stats" with its
// RSS now, the highest RSS sampled since the last "reset", and its CPU time.
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixture, startTestServer } from '../test/helpers/fixture.ts';
import { removeTempDirs } from '../test/helpers/temp.ts';

type Message = { type: 'stats' } | { type: 'reset' } | { type: 'stop' };

let peak = process.memoryUsage().rss;
setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 10).unref();

function stats() {
  const cpu = process.cpuUsage();
  return { type: 'stats', rss: process.memoryUsage().rss, peak, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function startFloor(): Promise<{ url: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-bench-floor-'));
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE reports (ref TEXT PRIMARY KEY, meta TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE parts (ref TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (ref, idx)) WITHOUT ROWID;`);
  const insertReport = db.prepare('INSERT INTO reports (ref, meta) VALUES (?, ?)');
  const insertPart = db.prepare('INSERT INTO parts (ref, idx, data) VALUES (?, ?, ?)');
  const store = db.transaction((ref: string, meta: string, parts: Uint8Array[]) => {
    insertReport.run(ref, meta);
    parts.forEach((p, i) => insertPart.run(ref, i, p));
  });
  const app = new Hono();
  app.post('/api/v1/reports', async (c) => {
    const form = await c.req.formData();
    const meta = form.get('meta');
    if (typeof meta !== 'string') return c.json({ error: 'meta' }, 400);
    JSON.parse(meta);
    const parts: Uint8Array[] = [];
    for (let i = 0; form.has(`part-${i}`); i++) parts.push(new Uint8Array(await (form.get(`part-${i}`) as File).arrayBuffer()));
    const ref = Buffer.from(crypto.getRandomValues(new Uint8Array(9))).toString('base64url');
    store(ref, meta, parts);
    return c.json({ ref }, 201);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startRelais(): Promise<{ url: string; close: () => Promise<void> }> {
  // Its temporary folder is removed on close (test/helpers/temp.ts registered it).
  const fixture = await makeFixture({
    patch: (json) => {
      if (process.env.BENCH_LIMITS) json.limits = JSON.parse(process.env.BENCH_LIMITS);
    },
  });
  const server = await startTestServer(fixture);
  return {
    url: server.url,
    close: async () => {
      await server.close();
      removeTempDirs();
    },
  };
}

const kind = process.argv[2];
const running = kind === 'floor' ? await startFloor() : await startRelais();
const send = (m: unknown) => process.send?.(m);
process.on('message', (m: Message) => {
  if (m.type === 'stats') send(stats());
  if (m.type === 'reset') {
    peak = process.memoryUsage().rss;
    send({ type: 'reset' });
  }
  if (m.type === 'stop') void running.close().then(() => process.exit(0));
});
// The benchmark ended (or was stopped): so does this server.
process.on('disconnect', () => void running.close().finally(() => process.exit(0)));
send({ type: 'ready', url: running.url });
