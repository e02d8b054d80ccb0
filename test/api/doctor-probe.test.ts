// The doctor's probe (issue 14 §2): only a request with a valid, fresh token made from the server
// secret gets an answer, and the answer names the headers of that request Relais does not read —
// never a value. Anything else is the same 404 as an unknown path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_PATH, doctorToken } from '../../src/server/doctor-probe.ts';
import { deriveSecrets } from '../../src/server/secrets.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const probe = (headers: Record<string, string>, method = 'GET') => fetch(`${server.url}${DOCTOR_PATH}`, { method, headers });

describe('the doctor probe', () => {
  it('answers a valid token with the names, never the values, of the headers Relais does not read', async () => {
    const token = doctorToken(deriveSecrets(server.serverSecret).doctor, Date.now());
    const res = await probe({ Authorization: `Doctor ${token}`, 'X-Forwarded-For': '198.51.100.23', 'User-Agent': 'canary-agent' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text).headers).toEqual(expect.arrayContaining(['user-agent', 'x-forwarded-for']));
    expect(text).not.toContain('198.51.100.23');
    expect(text).not.toContain('canary-agent');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
  });

  it('is a 404 like any unknown path without a token, with another secret’s token, an expired one, or another method', async () => {
    const other = doctorToken(deriveSecrets(new Uint8Array(32).fill(7)).doctor, Date.now());
    const expired = doctorToken(deriveSecrets(server.serverSecret).doctor, Date.now() - 10 * 60_000);
    const fresh = doctorToken(deriveSecrets(server.serverSecret).doctor, Date.now());
    for (const res of [
      await probe({}),
      await probe({ Authorization: `Doctor ${other}` }),
      await probe({ Authorization: `Doctor ${expired}` }),
      await probe({ Authorization: 'Doctor x'.repeat(100) }),
      await probe({ Authorization: `Doctor ${fresh}` }, 'POST'),
    ]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found', message: 'Nothing here.' });
    }
  });
});
