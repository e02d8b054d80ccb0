// Every route the app registers (API, pages, no-JS forms), with every method fetch can send, with
// malformed inputs — junk bodies under every content type, broken JSON and multipart, hostile path
// parameters and queries, bad credentials and proof-of-work headers — anonymously and with staff
// and resident tokens (DESIGN promise 10; issue 16). Whatever comes in: never a 5xx, always the
// security headers, a stable code, no echo of the input, and no "internal error" in the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitReport } from '../../src/client/submit.ts';
import { ApiClient } from '../../src/client/api.ts';
import { issueFollowUpToken } from '../../src/core/followup-token.ts';
import { SECURITY_HEADERS } from '../../src/server/http.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { staffClient } from '../helpers/staff.ts';

const CANARY = 'CANARY7f3q';
let server: TestServer;
let ref = '';
let witness = '';
const auth: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = await startTestServer();
  const resident = new ApiClient({ server: server.url });
  ref = (await submitReport(resident, { category: 'trafic', text: 'fuzz' })).ref;
  witness = (await submitReport(resident, { category: 'temoin', text: 'fuzz', identity: 'qui' })).witness ?? '';
  for (const id of ['officer-a', 'custodian-d', 'auditor-f']) auth[id] = `Bearer ${(await staffClient(server, id)).token}`;
  auth.resident = `Followup ${issueFollowUpToken(server.relais.secrets.followUp, ref, Date.now())}`;
  auth.junk = `Bearer ${CANARY}`;
});
afterAll(async () => server.close());

interface Input {
  name: string;
  type?: string;
  body?: () => BodyInit;
  headers?: Record<string, string>;
}

const junk = () => {
  const bytes = new Uint8Array(3000);
  crypto.getRandomValues(bytes);
  bytes.set(new TextEncoder().encode(CANARY), 100);
  return bytes;
};
const multipart = (boundary: string, text: string) => () => text.replaceAll('B', boundary);
const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;

const INPUTS: Input[] = [
  { name: 'nothing' },
  { name: 'junk, no type', body: junk },
  { name: 'junk as JSON', type: 'application/json', body: junk },
  { name: 'junk as a form', type: 'application/x-www-form-urlencoded', body: junk },
  { name: 'junk as multipart without boundary', type: 'multipart/form-data', body: junk },
  { name: 'junk as multipart', type: 'multipart/form-data; boundary=zz', body: junk },
  { name: 'JSON null', type: 'application/json', body: () => 'null' },
  { name: 'JSON array', type: 'application/json', body: () => `["${CANARY}"]` },
  { name: 'JSON deep', type: 'application/json', body: () => deep },
  { name: 'JSON proto', type: 'application/json', body: () => `{"__proto__":{"${CANARY}":1},"constructor":{"prototype":{}}}` },
  {
    name: 'JSON wrong types',
    type: 'application/json',
    body: () => `{"purpose":1,"lookupKey":[],"pow":{"challenge":{},"counter":1e400},"challenge":"${CANARY}","counter":-1}`,
  },
  { name: 'bad UTF-8 JSON', type: 'application/json', body: () => new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  {
    name: 'multipart meta junk',
    type: 'multipart/form-data; boundary=qq',
    body: multipart('qq', `--B\r\nContent-Disposition: form-data; name="meta"\r\n\r\n{"${CANARY}":\r\n--B--\r\n`),
  },
  {
    name: 'multipart meta with huge parts',
    type: 'multipart/form-data; boundary=qq',
    body: multipart(
      'qq',
      `--B\r\nContent-Disposition: form-data; name="meta"\r\n\r\n{"parts":[${'"attachment",'.repeat(60)}"report"],"category":"${CANARY}"}\r\n--B--\r\n`,
    ),
  },
  {
    name: 'multipart truncated',
    type: 'multipart/form-data; boundary=qq',
    body: multipart('qq', `--B\r\nContent-Disposition: form-data; name="part-0"; filename="x"\r\n\r\n${CANARY}`),
  },
  {
    name: 'multipart bad head',
    type: 'multipart/form-data; boundary=qq',
    body: multipart('qq', `--B\r\nContent-Disposition: form-data; name=\r\nX: ${'y'.repeat(5000)}\r\n\r\nz\r\n--B--`),
  },
  {
    name: 'no-JS form with junk',
    type: 'application/x-www-form-urlencoded',
    body: () => `nojs=1&formToken=${CANARY}&receipt=${CANARY}&category=%FF&what=${'%E2%82'.repeat(10)}&followUpToken=${CANARY}`,
  },
  {
    name: 'no-JS files form, token after files',
    type: 'multipart/form-data; boundary=qq',
    body: multipart(
      'qq',
      `--B\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n\r\n${CANARY}\r\n--B\r\nContent-Disposition: form-data; name="nojs"\r\n\r\n1\r\n--B--\r\n`,
    ),
  },
  { name: 'bad proof-of-work header', type: 'multipart/form-data; boundary=zz', body: junk, headers: { 'Relais-Pow': `${CANARY}:1` } },
  {
    name: 'huge proof-of-work counter',
    type: 'multipart/form-data; boundary=zz',
    body: junk,
    headers: { 'Relais-Pow': `a:${'9'.repeat(40)}` },
  },
];

const QUERIES = ['', `?page=-1&perPage=1e9&start=${CANARY}&end=-5&index=x&size=1e400&from=0&to=99999999999&state=${CANARY}&lang=${CANARY}`];
const METHODS = ['GET', 'HEAD', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'];

/** The app's routes (API, pages, forms), without middleware entries. */
function routes(): { method: string; path: string }[] {
  return server.app.routes
    .filter((r) => r.method !== 'ALL' && r.path !== '*' && !r.path.endsWith('/*'))
    .map((r) => ({ method: r.method, path: r.path.replace(/(.)\/$/, '$1') }))
    .filter((r, i, all) => all.findIndex((o) => o.method === r.method && o.path === r.path) === i);
}

/** A concrete path: hostile parameter values, or real ones so that the handler goes deeper. */
function concrete(pattern: string, real: boolean): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (!real) return encodeURIComponent(`${CANARY}/../%00${'é'.repeat(80)}`);
    return { ref, idx: '0', number: witness, id: 'D-0000-0000' }[name] ?? CANARY;
  });
}

interface Seen {
  what: string;
  status: number;
}

async function check(method: string, path: string, input: Input, authorization?: string): Promise<Seen | null> {
  const headers: Record<string, string> = { ...(input.headers ?? {}) };
  if (input.type) headers['Content-Type'] = input.type;
  if (authorization) headers.Authorization = authorization;
  const withBody = method !== 'GET' && method !== 'HEAD' && input.body;
  // Not followed: the quick exit (/sortie) sends the browser off the site.
  const res = await fetch(`${server.url}${path}`, { method, headers, redirect: 'manual', ...(withBody ? { body: input.body?.() } : {}) });
  const text = await res.text();
  const what = `${method} ${path.slice(0, 60)} [${input.name}] ${authorization?.split(' ')[0] ?? 'anonymous'} → ${res.status}`;
  const problems: string[] = [];
  if (res.status >= 500) problems.push('5xx');
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (res.headers.get(name) !== value) problems.push(`no ${name}`);
  if (text.includes(CANARY)) problems.push('echo');
  if (res.status >= 400 && (res.headers.get('Content-Type') ?? '').startsWith('application/json') && method !== 'HEAD') {
    const code = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof code !== 'string' || !/^[a-z_]+$/.test(code)) problems.push('no stable code');
  }
  return problems.length > 0 ? { what: `${what}: ${problems.join(', ')}`, status: res.status } : null;
}

describe('every route, every method, malformed input', () => {
  it('never answers 5xx, always with the security headers and a stable code, never echoing the input', async () => {
    const failures: string[] = [];
    let requests = 0;
    const record = (seen: Seen | null) => {
      requests++;
      if (seen) failures.push(seen.what);
    };
    for (const route of routes()) {
      const takesBody = route.method === 'POST' || route.method === 'DELETE';
      // A body matters only where the route reads one; a query only where it reads one.
      const inputs = takesBody ? INPUTS : INPUTS.filter((i) => !i.body);
      const callers = takesBody
        ? [undefined, auth['officer-a'], auth['custodian-d'], auth.resident]
        : [undefined, auth.junk, auth['officer-a'], auth['custodian-d'], auth['auditor-f'], auth.resident];
      for (const real of [false, true]) {
        for (const query of takesBody ? [''] : QUERIES) {
          const path = concrete(route.path, real) + query;
          for (const input of inputs) for (const who of callers) record(await check(route.method, path, input, who));
          for (const method of METHODS.filter((m) => m !== route.method))
            record(await check(method, path, INPUTS[1] as Input, auth['officer-a']));
        }
        if (takesBody) record(await check(route.method, concrete(route.path, real) + (QUERIES[1] as string), INPUTS[0] as Input));
      }
    }
    expect(requests).toBeGreaterThan(2000);
    expect(failures.slice(0, 40)).toEqual([]);
    expect(server.logLines.filter((l) => l.startsWith('internal error'))).toEqual([]);
  }, 600_000);
});
