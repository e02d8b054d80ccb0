// Helpers for the transparency-log tests: a throwaway Relais (test/helpers/fixture.ts) served
// with its log signer key, auditor and staff logins, and direct access to the SQLite file for
// tampering as someone with the database would (triggers dropped first).

import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from '../../src/core/bytes.ts';
import { parseSignerKey } from '../../src/core/tlog/index.ts';
import { loadConfigFile } from '../../src/config/load-node.ts';
import { startNodeServer } from '../../src/node.ts';
import { makeFixture, type Fixture, type TestServer } from '../helpers/fixture.ts';

export interface LogServerOptions {
  clock?: () => number;
  dbPath?: string;
  /** serve without the log signer key */
  unsigned?: boolean;
  /** a signer key other than the fixture's */
  signerKey?: string;
}

/** Starts a Relais on the fixture, with its log signer key unless `unsigned`. */
export async function startLogServer(fixture?: Fixture, options: LogServerOptions = {}): Promise<TestServer> {
  const fx = fixture ?? (await makeFixture());
  const config = await loadConfigFile(fx.configPath);
  const dbPath = options.dbPath ?? join(fx.dir, 'relais.db');
  const logLines: string[] = [];
  const serverSecret = randomBytes(32);
  const server = await startNodeServer({
    config,
    dbPath,
    serverSecret,
    port: fx.port,
    log: (line) => logLines.push(line),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.unsigned ? {} : { logSigner: parseSignerKey(options.signerKey ?? fx.logSignerKey) }),
  });
  return { ...server, fixture: fx, config, dbPath, logLines, serverSecret };
}

export { staffClient as staff } from '../helpers/staff.ts';

/** Writes the member's private key and passphrase to files, for the CLI. */
export function keyFiles(fixture: Fixture, id: string): { key: string; pass: string } {
  const k = fixture.keys[id]!;
  const key = join(fixture.dir, `${id}.key.asc`);
  const pass = join(fixture.dir, `${id}.pass`);
  writeFileSync(key, k.privateKey);
  writeFileSync(pass, `${k.passphrase}\n`);
  return { key, pass };
}

/** Opens the server's SQLite file directly, with the append-only triggers dropped. */
export function tamper(dbPath: string, edit: (db: Database.Database) => void): void {
  const db = new Database(dbPath);
  try {
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]) {
      db.exec(`DROP TRIGGER "${name}"`);
    }
    edit(db);
  } finally {
    db.close();
  }
}

/** GET with an optional bearer token; the status and the parsed (or raw) body. */
export async function get(
  server: TestServer,
  path: string,
  token?: string,
): Promise<{ status: number; body: any; text: string; type: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body, text, type: res.headers.get('Content-Type') ?? '' };
}
