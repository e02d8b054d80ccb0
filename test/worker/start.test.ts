// A Worker deployed with a missing or wrong secret refuses to serve (503, nothing stored) and
// says in its log which secret is wrong, without quoting it: at its cron run, never at the time of
// a request (issue 13: no log line at a resident's request time).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64, randomBytes } from '../../src/core/bytes.ts';
import { startWorker, wranglerLogs, type WorkerUnderTest } from './harness.ts';

let worker: WorkerUnderTest;

beforeAll(async () => {
  worker = await startWorker({ secrets: { RELAIS_SERVER_SECRET: toBase64(randomBytes(32)), RELAIS_LOG_KEY: 'PRIVATE+KEY+not-a-key' } });
});
afterAll(async () => worker?.stop());

describe('a worker with a wrong secret', () => {
  it('answers 503 without serving anything, says at the cron run which secret is wrong, and stores nothing', async () => {
    const res = await fetch(`${worker.url}/api/v1/config`);
    expect(res.status).toBe(503);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'unavailable', message: 'The service is not available.' });
    expect(
      (
        await fetch(`${worker.url}/api/v1/challenges`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"purpose":"report"}',
        })
      ).status,
    ).toBe(503);
    expect(worker.count('audit_entries')).toBe(0);
    expect(worker.count('spent_challenges')).toBe(0);
    expect((await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
    await worker.stop();
    const logs = wranglerLogs(worker);
    // Once, from the cron run; the two refused requests wrote nothing.
    expect(logs.split('start failed: RELAIS_LOG_KEY is not a signer key made by `relais log-key`').length - 1).toBe(1);
    expect(logs).not.toContain('not-a-key');
  });
});
