// Promise 2 on the edge: the canary test of test/api/canary.test.ts against the Worker in workerd.
// Requests carry canary values in every identifying header (Cloudflare's CF-Connecting-IP and
// CF-Ray included) and in the query string; afterwards not one byte of the local D1 database
// files, the R2 bucket's files, wrangler's output or its log files (which hold the Worker's
// console output) contains any of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { listReports, login, openPart, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { STAFF_LINE } from '../helpers/log-lines.ts';
import { startWorker, wranglerLogs, type WorkerUnderTest } from './harness.ts';

const CANARIES = {
  'X-Forwarded-For': '203.0.113.77',
  'X-Real-IP': '198.51.100.23',
  Forwarded: 'for=192.0.2.61;proto=https',
  'CF-Connecting-IP': '192.0.2.99',
  'CF-Connecting-IPv6': '2001:db8::c0de:7a11',
  'True-Client-IP': '192.0.2.143',
  'CF-Ray': 'CANARY-RAY-8e2b',
  'User-Agent': 'CanaryBrowser/9.8.7 (CANARY-UA-7f3a)',
  'Accept-Language': 'x-canarylang-4b1d',
  Cookie: 'session=CANARY-COOKIE-91ce',
  Referer: 'https://canary-referrer.example/CANARY-REF-55aa',
};
const QUERY = 'who=CANARY-QUERY-0c1f';
const needles = [
  ...Object.values(CANARIES).flatMap(
    (v) => v.match(/[0-9]{1,3}(\.[0-9]{1,3}){3}|2001:db8::c0de:7a11|CANARY-[A-Z]+-[0-9a-f]{4}|x-canarylang-4b1d|CanaryBrowser/g) ?? [],
  ),
  'CANARY-QUERY-0c1f',
  'CANARY-PATH-d00d',
];

let worker: WorkerUnderTest;

const canaryFetchWith =
  (withQuery: boolean): typeof fetch =>
  (input, init) => {
    const url = new URL(String(input));
    if (withQuery) url.search = url.search ? `${url.search}&${QUERY}` : `?${QUERY}`;
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(CANARIES)) headers.set(k, v);
    return fetch(url, { ...init, headers });
  };
const canaryFetch = canaryFetchWith(true);
// The officer API refuses unknown query parameters (400), so staff requests carry the headers only.
const staffCanaryFetch = canaryFetchWith(false);

beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => worker?.stop());

describe('no resident metadata on the edge', () => {
  let ref = '';

  it('finds none of the canaries in the local D1 and R2 files or in wrangler’s output after a full round trip', async () => {
    const resident = new ApiClient({ server: worker.url, fetch: canaryFetch });
    const photo = new Uint8Array(readFileSync(new URL('../strip/fixtures/progressive-restart.jpg', import.meta.url)));
    ({ ref } = await submitReport(resident, { category: 'temoin', text: 'ce que j’ai vu', identity: 'qui je suis' }));
    await submitReport(resident, {
      category: 'trafic',
      text: 'un autre signalement',
      attachments: [{ contentType: 'image/jpeg', bytes: photo }],
    });

    const k = worker.fixture.keys['officer-a']!;
    const officer = new ApiClient({ server: worker.url, fetch: staffCanaryFetch });
    const key = await unlockPrivateKey(k.privateKey, k.passphrase);
    await login(officer, key, worker.fixture.origin);
    expect((await listReports(officer)).total).toBe(2);
    expect(new TextDecoder().decode((await openPart(officer, ref, 0, key)).content)).toBe('ce que j’ai vu');
    // Bad requests too: refusals must not log their input either.
    await canaryFetch(`${worker.url}/api/v1/reports`, { method: 'POST', body: 'x' });
    await canaryFetch(`${worker.url}/api/v1/nowhere/CANARY-PATH-d00d`);
    await canaryFetch(`${worker.url}/`);

    // Stop workerd first, so that everything SQLite buffers reaches the files.
    await worker.stop();
    const files = worker.stateFiles();
    const d1Files = files.filter((f) => f.includes('/v3/d1/'));
    const r2Files = files.filter((f) => f.includes('/v3/r2/'));
    expect(d1Files.some((f) => /[0-9a-f]{64}\.sqlite$/.test(f))).toBe(true);
    // The attachment waits in D1 until its bucket closes (R2 would give away its upload time).
    expect(worker.count('staged_blobs')).toBeGreaterThan(0);
    expect(r2Files.some((f) => f.includes('/relais-attachments/blobs/'))).toBe(false);
    const everything = files.map((f) => ({ name: f, text: readFileSync(f).toString('latin1') }));
    everything.push({ name: 'wrangler output', text: worker.output() }, { name: 'wrangler logs', text: wranglerLogs(worker) });
    expect(needles.length).toBeGreaterThanOrEqual(12);
    for (const needle of needles) {
      for (const hay of everything) expect(hay.text.includes(needle), `found ${needle} in ${hay.name}`).toBe(false);
    }
    // The scan itself works: the report's reference is in the D1 files.
    expect(everything.some((h) => h.name.includes('/v3/d1/') && h.text.includes(ref))).toBe(true);
  });

  it('logs staff requests only, each as method, route pattern, status and duration, and no resident request', () => {
    const lines = wranglerLogs(worker)
      .split('\n')
      .map((l) => /(?:GET|POST|DELETE|HEAD) \S+ [1-5][0-9]{2}( [0-9]+ms)?$/.exec(l.trim())?.[0])
      .filter((l): l is string => l !== undefined);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(STAFF_LINE);
    expect(lines).toContain(lines.find((l) => l.startsWith('GET /api/v1/reports/:ref/parts/:idx 200')));
    expect(join(worker.logDir)).toBeTruthy();
  });
});
