// A throwaway Relais for tests: fresh OpenPGP keys, a config in a temporary folder, a real SQLite
// file and a real HTTP server on a free port. Every member's private key is kept in memory for
// the test to decrypt with.

import * as openpgp from 'openpgp';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from '../../src/core/bytes.ts';
import { generateSignerKey, parseSignerKey } from '../../src/core/tlog/index.ts';
import { loadConfigFile } from '../../src/config/load-node.ts';
import type { ResolvedConfig } from '../../src/config/resolve.ts';
import { type HttpLimits, startNodeServer, type RunningServer } from '../../src/node.ts';
import { tempDir } from './temp.ts';

export interface TestKey {
  publicKey: string;
  privateKey: string;
  passphrase: string;
}

export async function makeKey(name: string, passphrase = 'correct horse battery staple'): Promise<TestKey> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name }],
    passphrase,
    format: 'armored',
  });
  return { publicKey, privateKey, passphrase };
}

/** A port that was free a moment ago, so the config's origin can name it before the server starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Fixture {
  port: number;
  origin: string;
  dir: string;
  configPath: string;
  keys: Record<string, TestKey>;
  logSignerKey: string;
  json: Record<string, unknown>;
}

/** Members by inbox; every id gets a fresh key unless `keys` already has one. */
export const DEFAULT_LAYOUT = {
  inboxes: [
    { id: 'police', name: 'Police — stupéfiants', kind: 'police', members: ['officer-a', 'officer-b'] },
    { id: 'city', name: 'Mairie — prévention', kind: 'city', members: ['city-c'] },
    { id: 'custody', name: 'Garde des témoins', kind: 'witness-custody', members: ['custodian-d', 'custodian-e'] },
  ],
  categories: [
    { id: 'trafic', labels: { fr: 'Point de deal', en: 'Drug dealing spot' }, inboxes: ['police', 'city'] },
    { id: 'armes', labels: { fr: 'Armes', en: 'Weapons' }, inboxes: ['police'] },
    { id: 'prevention', labels: { fr: 'Prévention', en: 'Prevention' }, inboxes: ['city'] },
    {
      id: 'temoin',
      kind: 'witness',
      labels: { fr: 'Témoigner sous protection', en: 'Testify under protection' },
      testimony: ['police'],
      identity: ['custody'],
    },
  ],
  auditors: ['auditor-f'],
  analysts: ['analyst-g'],
};

export async function makeFixture(
  options: { keys?: Record<string, TestKey>; patch?: (json: Record<string, any>) => void; extraKeys?: Record<string, string> } = {},
): Promise<Fixture> {
  const dir = tempDir('relais-test-');
  mkdirSync(join(dir, 'keys'));
  const keys: Record<string, TestKey> = { ...(options.keys ?? {}) };
  const ids = [...DEFAULT_LAYOUT.inboxes.flatMap((i) => i.members), ...DEFAULT_LAYOUT.auditors, ...DEFAULT_LAYOUT.analysts];
  for (const id of ids) keys[id] ??= await makeKey(`Relais test ${id}`);
  for (const id of ids) writeFileSync(join(dir, 'keys', `${id}.asc`), keys[id]!.publicKey);
  for (const [file, text] of Object.entries(options.extraKeys ?? {})) writeFileSync(join(dir, 'keys', file), text);
  const { signerKey, verifierKey } = generateSignerKey('relais.test/log');
  writeFileSync(join(dir, 'keys', 'log.pub'), `${verifierKey}\n`);
  const member = (id: string) => ({ id, name: `Name of ${id}`, key: `keys/${id}.asc` });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const json: Record<string, any> = {
    site: { name: 'Relais test', languages: ['fr', 'en'], origin },
    timeBucketSeconds: 3600,
    proofOfWork: { reportBits: 8, lookupBits: 8, loginBits: 4 },
    inboxes: DEFAULT_LAYOUT.inboxes.map((i) => ({ id: i.id, name: i.name, kind: i.kind, members: i.members.map(member) })),
    categories: DEFAULT_LAYOUT.categories,
    auditors: DEFAULT_LAYOUT.auditors.map(member),
    analysts: DEFAULT_LAYOUT.analysts.map(member),
    log: { origin: 'relais.test/log', publicKey: 'keys/log.pub' },
  };
  options.patch?.(json);
  const configPath = join(dir, 'relais.config.json');
  writeFileSync(configPath, JSON.stringify(json, null, 2));
  return { port, origin, dir, configPath, keys, logSignerKey: signerKey, json };
}

export interface TestServer extends RunningServer {
  fixture: Fixture;
  config: ResolvedConfig;
  dbPath: string;
  logLines: string[];
  serverSecret: Uint8Array;
}

/**
 * Starts the server on the fixture's port (the config's origin), or on `port` when something else
 * (a capturing proxy in the browser tests) will stand at the origin.
 */
export async function startTestServer(
  fixture?: Fixture,
  options: {
    clock?: () => number;
    dbPath?: string;
    port?: number;
    unsigned?: boolean;
    httpLimits?: Partial<HttpLimits>;
    bodyIdleMs?: number;
  } = {},
): Promise<TestServer> {
  const fx = fixture ?? (await makeFixture());
  const config = await loadConfigFile(fx.configPath);
  const dbPath = options.dbPath ?? join(fx.dir, 'relais.db');
  const logLines: string[] = [];
  const serverSecret = randomBytes(32);
  const server = await startNodeServer({
    config,
    dbPath,
    serverSecret,
    port: options.port ?? fx.port,
    log: (line) => logLines.push(line),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.httpLimits ? { httpLimits: options.httpLimits } : {}),
    ...(options.bodyIdleMs ? { bodyIdleMs: options.bodyIdleMs } : {}),
    // Like a real deployment, the log signs checkpoints, unless a test asks for a keyless server.
    ...(options.unsigned ? {} : { logSigner: parseSignerKey(fx.logSignerKey) }),
  });
  return { ...server, fixture: fx, config, dbPath, logLines, serverSecret };
}
