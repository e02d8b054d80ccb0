// Every API route with every role (issue "officer console" §4, DESIGN promise 8): anonymous
// callers, an officer of the inbox a report was routed to, an officer of another inbox, a
// custodian, an auditor, and an officer whose session has expired. The answer must be a 2xx only
// where the design allows it, otherwise 401, 403 or 404 — and a 404 for a report routed elsewhere
// must look exactly like the 404 for a report that does not exist. A guard checks that the table
// names every API route the app has, so a new route cannot skip it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { login, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';

type Role = 'anonymous' | 'routedOfficer' | 'otherOfficer' | 'custodian' | 'auditor' | 'analyst' | 'expired';
const ROLES: Role[] = ['anonymous', 'routedOfficer', 'otherOfficer', 'custodian', 'auditor', 'analyst', 'expired'];
const MEMBER: Record<Exclude<Role, 'anonymous'>, string> = {
  routedOfficer: 'officer-a',
  otherOfficer: 'city-c',
  custodian: 'custodian-d',
  auditor: 'auditor-f',
  analyst: 'analyst-g',
  expired: 'officer-b',
};

let server: TestServer;
let now = Date.now();
let ref = '';
const tokens: Partial<Record<Role, string>> = {};

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** the route pattern, as registered */
  pattern: string;
  /** a concrete path for it */
  path: () => string;
  body?: () => { body: BodyInit; type?: string };
  expect: Record<Role, number>;
}

const statusForm = () => {
  const form = new FormData();
  form.set('meta', JSON.stringify({ parts: [], status: 'in-progress' }));
  return { body: form };
};
const json = (value: unknown) => () => ({ body: JSON.stringify(value), type: 'application/json' });
const staffOnly = (allowed: Partial<Record<Role, number>>, denied = 403): Record<Role, number> => ({
  anonymous: 401,
  expired: 401,
  routedOfficer: denied,
  otherOfficer: denied,
  custodian: denied,
  auditor: denied,
  analyst: denied,
  ...allowed,
});

const TABLE: Row[] = [
  {
    method: 'GET',
    pattern: '/api/v1/config',
    path: () => '/api/v1/config',
    expect: { anonymous: 200, routedOfficer: 200, otherOfficer: 200, custodian: 200, auditor: 200, analyst: 200, expired: 200 },
  },
  {
    method: 'POST',
    pattern: '/api/v1/challenges',
    path: () => '/api/v1/challenges',
    body: json({ purpose: 'report' }),
    expect: { anonymous: 201, routedOfficer: 201, otherOfficer: 201, custodian: 201, auditor: 201, analyst: 201, expired: 201 },
  },
  // Anyone may file a report; an empty form is refused for its shape, whoever sends it.
  {
    method: 'POST',
    pattern: '/api/v1/reports',
    path: () => '/api/v1/reports',
    body: () => ({ body: new FormData() }),
    // No proof of work: refused before the body is read, whoever asks.
    expect: { anonymous: 422, routedOfficer: 422, otherOfficer: 422, custodian: 422, auditor: 422, analyst: 422, expired: 422 },
  },
  {
    method: 'POST',
    pattern: '/api/v1/session/challenge',
    path: () => '/api/v1/session/challenge',
    expect: { anonymous: 201, routedOfficer: 201, otherOfficer: 201, custodian: 201, auditor: 201, analyst: 201, expired: 201 },
  },
  {
    method: 'POST',
    pattern: '/api/v1/session',
    path: () => '/api/v1/session',
    body: json({}),
    expect: { anonymous: 400, routedOfficer: 400, otherOfficer: 400, custodian: 400, auditor: 400, analyst: 400, expired: 400 },
  },
  {
    method: 'GET',
    pattern: '/api/v1/session',
    path: () => '/api/v1/session',
    expect: staffOnly({ routedOfficer: 200, otherOfficer: 200, custodian: 200, auditor: 200, analyst: 200 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/reports',
    path: () => '/api/v1/reports',
    expect: staffOnly({ routedOfficer: 200, otherOfficer: 200, custodian: 200 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/reports/:ref',
    path: () => `/api/v1/reports/${ref}`,
    expect: staffOnly({ routedOfficer: 200, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/reports/:ref/parts/:idx',
    path: () => `/api/v1/reports/${ref}/parts/0`,
    expect: staffOnly({ routedOfficer: 200, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/reports/:ref/grant',
    path: () => `/api/v1/reports/${ref}/grant`,
    expect: staffOnly({ routedOfficer: 200, otherOfficer: 404, custodian: 404 }),
  },
  // An empty grant is refused for its shape, once the report is known to be the member's.
  {
    method: 'POST',
    pattern: '/api/v1/reports/:ref/grant',
    path: () => `/api/v1/reports/${ref}/grant`,
    body: json({ items: [] }),
    expect: staffOnly({ routedOfficer: 400, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'PUT',
    pattern: '/api/v1/reports/:ref/read',
    path: () => `/api/v1/reports/${ref}/read`,
    expect: staffOnly({ routedOfficer: 204, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'POST',
    pattern: '/api/v1/reports/:ref/messages',
    path: () => `/api/v1/reports/${ref}/messages`,
    body: statusForm,
    expect: staffOnly({ routedOfficer: 201, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/reports/:ref/messages/:idx',
    path: () => `/api/v1/reports/${ref}/messages/0`,
    expect: staffOnly({ routedOfficer: 404, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'PUT',
    pattern: '/api/v1/reports/:ref/assignee',
    path: () => `/api/v1/reports/${ref}/assignee`,
    body: json({ inbox: 'police', member: 'officer-a' }),
    expect: staffOnly({ routedOfficer: 200, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'POST',
    pattern: '/api/v1/reports/status',
    path: () => '/api/v1/reports/status',
    body: () => ({ body: JSON.stringify({ refs: [ref], status: 'in-progress' }), type: 'application/json' }),
    expect: staffOnly({ routedOfficer: 200, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/reports/:ref/proof',
    path: () => `/api/v1/reports/${ref}/proof`,
    // the report's hour has not closed: its receipt is not yet logged
    expect: staffOnly({ routedOfficer: 409, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'POST',
    pattern: '/api/v1/reports/:ref/export',
    path: () => `/api/v1/reports/${ref}/export`,
    expect: staffOnly({ routedOfficer: 201, otherOfficer: 404, custodian: 404 }),
  },
  // The city's figures: analysts and auditors, never a report (promise 8).
  { method: 'GET', pattern: '/api/v1/figures', path: () => '/api/v1/figures', expect: staffOnly({ auditor: 200, analyst: 200 }) },
  { method: 'GET', pattern: '/api/v1/figures.csv', path: () => '/api/v1/figures.csv', expect: staffOnly({ auditor: 200, analyst: 200 }) },
  {
    method: 'GET',
    pattern: '/api/v1/log/checkpoint',
    path: () => '/api/v1/log/checkpoint',
    expect: { anonymous: 200, routedOfficer: 200, otherOfficer: 200, custodian: 200, auditor: 200, analyst: 200, expired: 200 },
  },
  { method: 'GET', pattern: '/api/v1/log/entries', path: () => '/api/v1/log/entries?start=0&end=1', expect: staffOnly({ auditor: 200 }) },
  {
    method: 'GET',
    pattern: '/api/v1/log/proof/inclusion',
    path: () => '/api/v1/log/proof/inclusion?index=0&size=1',
    expect: staffOnly({ auditor: 200 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/log/proof/consistency',
    path: () => '/api/v1/log/proof/consistency?from=1&to=1',
    expect: staffOnly({ auditor: 200 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/log/hashes',
    path: () => '/api/v1/log/hashes?start=0&end=1',
    expect: staffOnly({ auditor: 200 }),
  },
  // The resident's follow-up needs a lookup key and a proof of work, or the follow-up token: a
  // staff session opens nothing here.
  {
    method: 'POST',
    pattern: '/api/v1/followup/open',
    path: () => '/api/v1/followup/open',
    body: json({}),
    expect: { anonymous: 400, routedOfficer: 400, otherOfficer: 400, custodian: 400, auditor: 400, analyst: 400, expired: 400 },
  },
  {
    method: 'GET',
    pattern: '/api/v1/followup/messages',
    path: () => '/api/v1/followup/messages',
    expect: { anonymous: 401, routedOfficer: 401, otherOfficer: 401, custodian: 401, auditor: 401, analyst: 401, expired: 401 },
  },
  {
    method: 'GET',
    pattern: '/api/v1/followup/messages/:idx',
    path: () => '/api/v1/followup/messages/0',
    expect: { anonymous: 401, routedOfficer: 401, otherOfficer: 401, custodian: 401, auditor: 401, analyst: 401, expired: 401 },
  },
  {
    method: 'POST',
    pattern: '/api/v1/followup/messages',
    path: () => '/api/v1/followup/messages',
    body: () => ({ body: new FormData() }),
    expect: { anonymous: 401, routedOfficer: 401, otherOfficer: 401, custodian: 401, auditor: 401, analyst: 401, expired: 401 },
  },
  // Witness requests (issue 7): custodians only, except the investigators' side of disclosures;
  // the full flow with real witnesses and disclosures is in test/api/witness-disclosure.test.ts.
  { method: 'GET', pattern: '/api/v1/witnesses', path: () => '/api/v1/witnesses', expect: staffOnly({ custodian: 200 }) },
  {
    method: 'GET',
    pattern: '/api/v1/witnesses/:number',
    path: () => '/api/v1/witnesses/W-0000-0000',
    expect: staffOnly({ custodian: 404 }),
  },
  // Custodians' record of a witness (issue 15 §5): custodians of that witness only.
  {
    method: 'GET',
    pattern: '/api/v1/witnesses/:number/notes',
    path: () => '/api/v1/witnesses/W-0000-0000/notes',
    expect: staffOnly({ custodian: 404 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/witnesses/:number/notes/:idx',
    path: () => '/api/v1/witnesses/W-0000-0000/notes/0',
    expect: staffOnly({ custodian: 404 }),
  },
  {
    method: 'POST',
    pattern: '/api/v1/witnesses/:number/contacted',
    path: () => '/api/v1/witnesses/W-0000-0000/contacted',
    expect: staffOnly({ custodian: 404 }),
  },
  {
    method: 'POST',
    pattern: '/api/v1/witnesses/:number/notes',
    path: () => '/api/v1/witnesses/W-0000-0000/notes',
    body: () => ({ body: new FormData() }),
    expect: staffOnly({ custodian: 404 }),
  },
  {
    method: 'POST',
    pattern: '/api/v1/disclosures',
    path: () => '/api/v1/disclosures',
    body: () => ({ body: new FormData() }),
    expect: staffOnly({ custodian: 400 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/disclosures',
    path: () => '/api/v1/disclosures',
    expect: staffOnly({ routedOfficer: 200, otherOfficer: 200, custodian: 200 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/disclosures/:id',
    path: () => '/api/v1/disclosures/D-0000-0000-0000',
    expect: staffOnly({ routedOfficer: 404, otherOfficer: 404, custodian: 404 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/disclosures/:id/review',
    path: () => '/api/v1/disclosures/D-0000-0000-0000/review',
    expect: staffOnly({ custodian: 404 }),
  },
  {
    method: 'GET',
    pattern: '/api/v1/disclosures/:id/identity',
    path: () => '/api/v1/disclosures/D-0000-0000-0000/identity',
    expect: staffOnly({ routedOfficer: 404, otherOfficer: 404 }),
  },
  {
    method: 'POST',
    pattern: '/api/v1/disclosures/:id/approve',
    path: () => '/api/v1/disclosures/D-0000-0000-0000/approve',
    body: json({}),
    expect: staffOnly({ custodian: 404 }),
  },
  {
    method: 'POST',
    pattern: '/api/v1/disclosures/:id/refuse',
    path: () => '/api/v1/disclosures/D-0000-0000-0000/refuse',
    body: json({}),
    expect: staffOnly({ custodian: 404 }),
  },
  {
    method: 'POST',
    pattern: '/api/v1/disclosures/:id/withdraw',
    path: () => '/api/v1/disclosures/D-0000-0000-0000/withdraw',
    body: json({}),
    expect: staffOnly({ custodian: 404 }),
  },
  // Last, so that the sessions it ends are not needed any more.
  {
    method: 'DELETE',
    pattern: '/api/v1/session',
    path: () => '/api/v1/session',
    expect: staffOnly({ routedOfficer: 204, otherOfficer: 204, custodian: 204, auditor: 204, analyst: 204 }),
  },
];

async function call(row: Row, role: Role): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {};
  const token = tokens[role];
  if (token) headers.Authorization = `Bearer ${token}`;
  const payload = row.body?.();
  if (payload?.type) headers['Content-Type'] = payload.type;
  const res = await fetch(`${server.url}${row.path()}`, { method: row.method, headers, ...(payload ? { body: payload.body } : {}) });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  server = await startTestServer(undefined, { clock: () => now });
  now = Date.now();
  ref = (await submitReport(new ApiClient({ server: server.url }), { category: 'armes', text: 'police only' })).ref;
  for (const [role, id] of Object.entries(MEMBER) as [Exclude<Role, 'anonymous'>, string][]) {
    const k = server.fixture.keys[id]!;
    const api = new ApiClient({ server: server.url });
    await login(api, await unlockPrivateKey(k.privateKey, k.passphrase), server.fixture.origin);
    tokens[role] = api.token;
  }
  // The "expired" member's session passes its 15-minute idle timeout; the others are used at
  // 10 minutes, so they are still alive at 16.
  now += 10 * 60_000;
  for (const role of ROLES)
    if (role !== 'expired' && tokens[role])
      await fetch(`${server.url}/api/v1/session`, { headers: { Authorization: `Bearer ${tokens[role]}` } });
  now += 6 * 60_000;
});
afterAll(async () => server?.close());

describe('every API route with every role', () => {
  it('names every API route the app registers', () => {
    const registered = new Set(appRoutes().map((r) => `${r.method} ${r.path}`));
    const tabled = new Set(TABLE.map((r) => `${r.method} ${r.pattern}`));
    expect([...registered].filter((r) => !tabled.has(r)).sort()).toEqual([]);
    expect([...tabled].filter((r) => !registered.has(r)).sort()).toEqual([]);
  });

  for (const row of TABLE) {
    it(`answers ${row.method} ${row.pattern} as the design allows for each role`, async () => {
      const got: Record<string, number> = {};
      for (const role of ROLES) got[role] = (await call(row, role)).status;
      expect(got).toEqual(row.expect);
    });
  }

  it('answers a report routed elsewhere exactly like one that does not exist', async () => {
    const elsewhere = await call(TABLE.find((r) => r.pattern === '/api/v1/reports/:ref')!, 'otherOfficer');
    const saved = ref;
    ref = 'R-0000-0000-0000';
    const missing = await call(TABLE.find((r) => r.pattern === '/api/v1/reports/:ref')!, 'otherOfficer');
    ref = saved;
    expect(elsewhere).toEqual(missing);
  });
});

/** The app's API routes as registered in Hono (middleware entries excluded). */
function appRoutes(): { method: string; path: string }[] {
  return server.app.routes
    .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
    .map((r) => ({ method: r.method, path: r.path.replace(/\/$/, '') }))
    .filter((r, i, all) => all.findIndex((o) => o.method === r.method && o.path === r.path) === i);
}
