// A Relais Node server in a process of its own, for crash drills (kill -9): started with
// `node --import tsx` by spawnServerProcess(), on a fixture's config, a SQLite file and a fixed
// server secret, with a clock that runs `offset` milliseconds ahead of the real one. Over IPC the
// test moves the clock on ({ advance: ms }) and runs maintenance now ({ maintain: true }); the
// process answers { ready: url } at start and { maintained: true } after a run.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { fromBase64, randomBytes, toBase64 } from '../../src/core/bytes.ts';
import { parseSignerKey } from '../../src/core/tlog/index.ts';
import { loadConfigFile } from '../../src/config/load-node.ts';
import { startNodeServer } from '../../src/node.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import type { Fixture } from './fixture.ts';

export interface ServerProcessArgs {
  configPath: string;
  dbPath: string;
  port: number;
  secret: string;
  logKey: string;
  offset: number;
}

/** Arguments for a fixture's server on a fresh SQLite file in `dir`, with a fresh server secret. */
export function serverProcessArgs(fixture: Fixture, dir: string): ServerProcessArgs {
  return {
    configPath: fixture.configPath,
    dbPath: join(dir, 'relais.db'),
    port: fixture.port,
    secret: toBase64(randomBytes(32)),
    logKey: fixture.logSignerKey,
    offset: 0,
  };
}

export interface ServerProcess {
  child: ChildProcess;
  /** the server's URL, once its start-up (maintenance included) is over */
  ready: Promise<string>;
  /** resolves with the exit code or the signal */
  exited: Promise<string>;
  send(message: Record<string, unknown>): void;
  next(key: string): Promise<unknown>;
}

export function spawnServerProcess(args: ServerProcessArgs): ServerProcess {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(args)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  const waiters: { key: string; resolve: (v: unknown) => void }[] = [];
  child.on('message', (m: Record<string, unknown>) => {
    for (const w of [...waiters]) {
      if (w.key in m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m[w.key]);
      }
    }
  });
  const next = (key: string) =>
    new Promise<unknown>((resolve, reject) => {
      waiters.push({ key, resolve });
      void exited.then((how) => reject(new Error(`server process ended (${how}) before "${key}":\n${output}`)));
    });
  const ready = next('ready') as Promise<string>;
  ready.catch(() => {});
  return { child, ready, exited, send: (m) => child.send(m), next };
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] as string) as ServerProcessArgs;
  let offset = args.offset;
  const server = await startNodeServer({
    config: await loadConfigFile(args.configPath),
    dbPath: args.dbPath,
    serverSecret: fromBase64(args.secret),
    port: args.port,
    log: () => {},
    clock: () => Date.now() + offset,
    logSigner: parseSignerKey(args.logKey),
    maintenanceIntervalMs: 3_600_000,
  });
  process.on('message', (m: { advance?: number; maintain?: boolean }) => {
    if (m.advance) offset += m.advance;
    if (m.maintain) void runMaintenance(server.relais).then(() => process.send?.({ maintained: true }));
  });
  process.send?.({ ready: server.url });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
