// Staff-side helpers for API tests: a logged-in client for a fixture member (each key unlocked
// once per test file), and the outcome of a call as "ok" or "<status> <code>".

import type * as openpgp from 'openpgp';
import { ApiClient, ApiClientError } from '../../src/client/api.ts';
import { login, unlockPrivateKey } from '../../src/client/staff.ts';
import type { TestServer } from './fixture.ts';

const unlocked = new Map<string, openpgp.PrivateKey>();

export async function staffClient(server: TestServer, id: string): Promise<ApiClient> {
  const k = server.fixture.keys[id]!;
  let key = unlocked.get(k.privateKey);
  if (!key) {
    key = await unlockPrivateKey(k.privateKey, k.passphrase);
    unlocked.set(k.privateKey, key);
  }
  const api = new ApiClient({ server: server.url });
  await login(api, key, server.fixture.origin);
  return api;
}

/** "ok", or the refusal's HTTP status and stable code. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof ApiClientError) return `${e.status} ${e.code}`;
    throw e;
  }
}
