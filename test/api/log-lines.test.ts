// No log line at the time of a resident's request (DESIGN promise 2, issue 13, item 3): a log
// collector stamps every line with its time, so a line per resident request would give the
// arrival time to the second. Residents' requests are counted and summarized once per closed
// bucket, with unexpected errors and noted conditions (a full disk) but without their times;
// staff requests keep their own lines; `relais serve --quiet` writes nothing to stdout at all.
// Checked in process (every line the server writes, with a clock the test moves) and on a real
// `relais serve` process (its stdout and stderr, byte for byte, while residents submit).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { openConversation, sendMessage } from '../../src/client/followup.ts';
import { listReports } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { randomBytes, toBase64 } from '../../src/core/bytes.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { BIN } from '../helpers/cli.ts';
import { type Fixture, makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { STAFF_LINE } from '../helpers/log-lines.ts';
import { staffClient } from '../helpers/staff.ts';

const HOUR = 3600_000;

/** What a resident's browser and the CLI do: pages, config, a report, the way back, a message, refusals. */
async function residentActivity(url: string): Promise<string> {
  const api = new ApiClient({ server: url });
  for (const page of ['/', '/suivi', '/temoigner', '/assets/nothing.js', '/nowhere']) await (await fetch(`${url}${page}`)).arrayBuffer();
  const { ref, receipt } = await submitReport(api, { category: 'trafic', text: 'guetteurs au pied de la tour' });
  const conversation = await openConversation(api, receipt as string);
  await sendMessage(conversation, 'une précision');
  await (await fetch(`${url}/api/v1/reports`, { method: 'POST', body: 'x' })).arrayBuffer();
  await (await fetch(`${url}/api/v1/followup/messages`, { headers: { Authorization: 'Followup nope' } })).arrayBuffer();
  return ref;
}

describe('log lines of a server with a clock the test moves', () => {
  let server: TestServer;
  let now = 0;
  beforeAll(async () => {
    now = Math.ceil(Date.now() / HOUR) * HOUR + 60_000;
    server = await startTestServer(undefined, { clock: () => now });
  });
  afterAll(async () => server?.close());

  it('writes nothing while residents use the service, and a line for each staff request', async () => {
    const ref = await residentActivity(server.url);
    expect(server.logLines).toEqual([]);
    const officer = await staffClient(server, 'officer-a');
    expect((await listReports(officer)).reports.map((r) => r.ref)).toContain(ref);
    expect(server.logLines.length).toBeGreaterThanOrEqual(3);
    for (const line of server.logLines) expect(line).toMatch(STAFF_LINE);
  });

  it('puts an unexpected error on a resident route and a noted condition into the bucket’s summary, without their time', async () => {
    const { store } = server.relais;
    const insert = store.reports.insert;
    store.reports.insert = () => Promise.reject(new TypeError('the disk said no'));
    try {
      const res = await submitReport(new ApiClient({ server: server.url }), { category: 'armes', text: 'x' }, { followUp: false }).catch(
        (e: { status?: number }) => e,
      );
      expect((res as { status?: number }).status).toBe(500);
    } finally {
      store.reports.insert = insert;
    }
    server.relais.requests.note('storage_full');
    const before = server.logLines.length;
    // The line is not written at the time of the error.
    expect(server.logLines.slice(before)).toEqual([]);

    now += 30_000;
    await runMaintenance(server.relais);
    expect(server.logLines.length).toBe(before);
    // The bucket closes (and its grace period passes): one summary, once.
    const bucket = new Date(Math.floor(now / HOUR) * HOUR).toISOString().replace('.000Z', 'Z');
    now += HOUR + 2 * 60_000;
    await runMaintenance(server.relais);
    await runMaintenance(server.relais);
    const summary = server.logLines.slice(before);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(new RegExp(`^bucket ${bucket}: [0-9]+ resident requests: `));
    for (const part of [
      'GET /api/v1/config 200 ×',
      'POST /api/v1/reports 201 ×1',
      'POST /api/v1/reports 500 ×1',
      // no proof of work in its header: refused before anything else is looked at
      'POST /api/v1/reports 422 ×1',
      'POST /api/v1/followup/messages 201 ×1',
      'GET /api/v1/followup/messages 401 ×1',
      'GET / 200 ×1',
      '; problems: ',
      'internal error: TypeError',
      'storage_full ×1',
    ])
      expect(summary[0]).toContain(part);
    expect(summary[0]).not.toContain('the disk said no');
    // The only time in it is the bucket's start.
    expect(summary[0]?.match(/[0-9]{2}:[0-9]{2}:[0-9]{2}/g)).toEqual([bucket.slice(11, 19)]);
  });

  it('says so when a closed bucket had no resident request', async () => {
    const before = server.logLines.length;
    now += HOUR;
    await runMaintenance(server.relais);
    expect(server.logLines.slice(before)).toEqual([expect.stringMatching(/^bucket [0-9T:-]+Z: no resident requests$/)]);
  });
});

/** `relais serve` in a process of its own, its stdout and stderr kept apart. */
function serve(
  fixture: Fixture,
  extra: string[] = [],
): { child: ChildProcess; out: () => string; err: () => string; ready: Promise<void> } {
  const secret = join(fixture.dir, 'secret');
  writeFileSync(secret, toBase64(randomBytes(32)));
  // Staff data is served only while the log signs its checkpoints (issue 11).
  const logKey = join(fixture.dir, 'log.key');
  writeFileSync(logKey, fixture.logSignerKey);
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--config',
      fixture.configPath,
      '--db',
      join(fixture.dir, 'serve.db'),
      '--secret-file',
      secret,
      '--log-key-file',
      logKey,
      '--port',
      String(fixture.port),
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', () => err.includes('Relais is listening') && resolve());
    child.once('exit', (code) => reject(new Error(`relais serve exited (${code}): ${err}`)));
  });
  return { child, out: () => out, err: () => err, ready };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('the output of relais serve', () => {
  let fixture: Fixture;
  let running: ChildProcess | null = null;
  beforeAll(async () => {
    fixture = await makeFixture();
  });
  afterAll(async () => {
    if (running) await stop(running);
  });

  it('shows nothing on stdout or stderr while residents submit, then a line per staff request', async () => {
    const s = serve(fixture);
    running = s.child;
    await s.ready;
    const [out, err] = [s.out(), s.err()];
    await residentActivity(`http://127.0.0.1:${fixture.port}`);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.out()).toBe(out);
    expect(s.err()).toBe(err);
    const officer = await staffClient({ url: `http://127.0.0.1:${fixture.port}`, fixture } as TestServer, 'officer-a');
    await listReports(officer);
    await new Promise((r) => setTimeout(r, 200));
    const lines = s.out().slice(out.length).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(STAFF_LINE);
    await stop(s.child);
  });

  it('writes nothing to stdout at all with --quiet, not even for staff', async () => {
    if (running) await stop(running);
    const s = serve(fixture, ['--quiet']);
    running = s.child;
    await s.ready;
    await residentActivity(`http://127.0.0.1:${fixture.port}`);
    const officer = await staffClient({ url: `http://127.0.0.1:${fixture.port}`, fixture } as TestServer, 'officer-a');
    await listReports(officer);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.out()).toBe('');
    await stop(s.child);
  });
});
