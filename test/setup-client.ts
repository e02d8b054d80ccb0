// Set up for every test file: temporary folders and GnuPG homes are removed when the file ends
// (test/helpers/temp.ts), and test clients pool no connection.
//
// Test processes do long synchronous work between requests (Argon2id receipts, GnuPG through
// execFileSync, proofs of work), all the more on a loaded machine. A connection pooled before that
// work may meanwhile have been closed by the server's keep-alive timeout, and the client, blocked,
// only learns it when it reuses the connection: ECONNRESET. Test clients therefore open one
// connection per request (`Connection: close`), as a client that pools nothing does; what the
// server does with kept-alive connections is tested on raw sockets (test/api/raw-http.test.ts).
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/temp.ts';

afterAll(removeTempDirs);

const pooled = globalThis.fetch;

globalThis.fetch = (input: string | URL | Request, init: RequestInit = {}) => {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  if (!headers.has('connection')) headers.set('Connection', 'close');
  return pooled(input, { ...init, headers });
};
