// Promise 2: no resident metadata at rest or in logs. Requests carry canary values in every
// identifying header and in the query string; afterwards not one byte of the SQLite file, its
// WAL or shared-memory file, or of the server's log output contains any of them.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { listReports, login, openPart, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { STAFF_LINE } from '../helpers/log-lines.ts';

const CANARIES = {
  'X-Forwarded-For': '203.0.113.77',
  'X-Real-IP': '198.51.100.23',
  Forwarded: 'for=192.0.2.61;proto=https',
  'CF-Connecting-IP': '192.0.2.99',
  'True-Client-IP': '192.0.2.143',
  'User-Agent': 'CanaryBrowser/9.8.7 (CANARY-UA-7f3a)',
  'Accept-Language': 'x-canarylang-4b1d',
  Cookie: 'session=CANARY-COOKIE-91ce',
  Referer: 'https://canary-referrer.example/CANARY-REF-55aa',
};
const QUERY = 'who=CANARY-QUERY-0c1f';
const needles = [
  ...Object.values(CANARIES).flatMap(
    (v) => v.match(/[0-9]{1,3}(\.[0-9]{1,3}){3}|CANARY-[A-Z]+-[0-9a-f]{4}|x-canarylang-4b1d|CanaryBrowser/g) ?? [],
  ),
  'CANARY-QUERY-0c1f',
];

let server: TestServer;

/** fetch that adds every canary header (and, for residents, the canary query string). */
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
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('no resident metadata at rest or in logs', () => {
  it('finds none of the canaries in the database files or the log after a full round trip', async () => {
    const resident = new ApiClient({ server: server.url, fetch: canaryFetch });
    const { ref } = await submitReport(resident, { category: 'temoin', text: 'ce que j’ai vu', identity: 'qui je suis' });
    await submitReport(resident, { category: 'trafic', text: 'un autre signalement' });

    const k = server.fixture.keys['officer-a']!;
    const officer = new ApiClient({ server: server.url, fetch: staffCanaryFetch });
    const key = await unlockPrivateKey(k.privateKey, k.passphrase);
    await login(officer, key, server.fixture.origin);
    expect((await listReports(officer)).total).toBe(2);
    expect(new TextDecoder().decode((await openPart(officer, ref, 0, key)).content)).toBe('ce que j’ai vu');
    // Some bad requests too: refusals must not log their input either.
    await canaryFetch(`${server.url}/api/v1/reports`, { method: 'POST', body: 'x' });
    await canaryFetch(`${server.url}/api/v1/nowhere/CANARY-PATH-d00d`);
    needles.push('CANARY-PATH-d00d');

    // Close the server first, so that everything SQLite buffers reaches the files.
    await server.close();
    const files = [server.dbPath, `${server.dbPath}-wal`, `${server.dbPath}-shm`].filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    const haystacks = [...files.map((f) => readFileSync(f).toString('latin1')), server.logLines.join('\n')];
    expect(needles.length).toBeGreaterThanOrEqual(10);
    for (const needle of needles) {
      for (const hay of haystacks) expect(hay.includes(needle), `found ${needle}`).toBe(false);
    }
    // The scan itself works: the references it must find are there.
    expect(haystacks[0]!.includes(ref) || (haystacks[1] ?? '').includes(ref)).toBe(true);
  });

  it('logs staff requests only, each as method, route pattern, status and duration, and no resident request', () => {
    expect(server.logLines.length).toBeGreaterThan(3);
    for (const line of server.logLines) expect(line).toMatch(STAFF_LINE);
    expect(server.logLines).toContain(server.logLines.find((l) => l.startsWith('GET /api/v1/reports/:ref/parts/:idx 200')));
  });
});
