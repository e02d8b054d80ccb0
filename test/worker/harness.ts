// A real Relais Worker for tests: the top-level wrangler.toml, with the paths that must differ
// per test (the bundled config, the static pages) pointed into the test's own folder, run by
// `wrangler dev --local` in workerd on the fixture's port, with its own persistence folder
// (local D1 and R2) migrated by `wrangler d1 migrations apply --local` from migrations/.

import Database from 'better-sqlite3';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { experimental_readRawConfig } from 'wrangler';
import { toBase64, randomBytes } from '../../src/core/bytes.ts';
import { writeWorkerConfig } from '../../src/cli/worker-config.ts';
import type { ResolvedConfig } from '../../src/config/resolve.ts';
import type { SqlValue } from '../../src/store/driver.ts';
import { freePort, makeFixture, type Fixture } from '../helpers/fixture.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

export interface WorkerUnderTest {
  url: string;
  fixture: Fixture;
  config: ResolvedConfig;
  /** where wrangler keeps the local D1 database and R2 bucket */
  persistDir: string;
  /** wrangler's debug log files (they hold the Worker's console output) */
  logDir: string;
  /** everything wrangler printed */
  output(): string;
  /** a read-only query on the local D1 database file */
  query<T = Record<string, SqlValue>>(sql: string, params?: SqlValue[]): T[];
  count(table: string): number;
  /** R2 objects as the local bucket records them: key and upload time (ms) */
  r2Uploads(): { key: string; uploaded: number }[];
  /** every file under the persistence folder */
  stateFiles(): string[];
  stop(): Promise<void>;
}

function wranglerEnv(dir: string): NodeJS.ProcessEnv {
  // wrangler's update check keeps a file in the temporary folder: this test's own, removed with it.
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return {
    ...process.env,
    TMPDIR: tmp,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_LOG_PATH: join(dir, 'wrangler-logs'),
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** wrangler.toml as written, with this test's config module, pages and absolute paths. */
function testWranglerConfig(dir: string, assetsDir: string): string {
  const { rawConfig } = experimental_readRawConfig({ config: join(ROOT, 'wrangler.toml') });
  const config = structuredClone(rawConfig) as Record<string, any>;
  config.main = join(ROOT, config.main as string);
  config.alias = { ...config.alias, 'relais-worker-config': join(dir, 'worker-config.json') };
  for (const db of config.d1_databases) db.migrations_dir = join(ROOT, db.migrations_dir);
  config.assets = { ...config.assets, directory: assetsDir };
  const path = join(dir, 'wrangler.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export interface StartOptions {
  fixture?: Fixture;
  patch?: (json: Record<string, any>) => void;
  /** the built web assets to serve (web/dist by default) */
  assetsDir?: string;
  /** run without the log signer key (RELAIS_LOG_KEY) */
  unsigned?: boolean;
  /** the Workers secrets (.dev.vars) to run with, instead of a fresh server secret and the log key */
  secrets?: Record<string, string>;
}

export async function startWorker(options: StartOptions = {}): Promise<WorkerUnderTest> {
  const fx = options.fixture ?? (await makeFixture(options.patch ? { patch: options.patch } : {}));
  const dir = join(fx.dir, 'worker');
  mkdirSync(dir, { recursive: true });
  const config = await writeWorkerConfig(fx.configPath, join(dir, 'worker-config.json'));
  // The real build (test/global-setup.ts builds it), with the build.json every start reads.
  const assetsDir = options.assetsDir ?? join(ROOT, 'web', 'dist');
  const configPath = testWranglerConfig(dir, assetsDir);
  const persistDir = join(dir, 'state');
  const envFile = join(dir, '.dev.vars');
  const secrets = options.secrets ?? {
    RELAIS_SERVER_SECRET: toBase64(randomBytes(32)),
    ...(options.unsigned ? {} : { RELAIS_LOG_KEY: fx.logSignerKey }),
  };
  writeFileSync(
    envFile,
    Object.entries(secrets)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  const env = wranglerEnv(dir);

  await promisify(execFile)(
    process.execPath,
    [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local', '--config', configPath, '--persist-to', persistDir],
    { env, cwd: dir },
  );

  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      WRANGLER,
      'dev',
      '--local',
      '--config',
      configPath,
      '--persist-to',
      persistDir,
      '--env-file',
      envFile,
      '--ip',
      '127.0.0.1',
      '--port',
      String(fx.port),
      // wrangler's devtools port is 9229 unless told: two Workers started at once (two test files,
      // or another run on the machine) would take the same one and the second would stop.
      '--inspector-port',
      String(await freePort()),
      '--test-scheduled',
      '--log-level',
      'warn',
      '--show-interactive-dev-session=false',
    ],
    { env, cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const url = `http://127.0.0.1:${fx.port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!running) throw new Error(`wrangler dev stopped:\n${output}`);
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer:\n${output}`);
    // Any answer from the Worker (not from wrangler's proxy while it starts) means it is up.
    const status = await fetch(`${url}/api/v1/config`).then(
      (r) => {
        r.body?.cancel();
        return r.status;
      },
      () => 0,
    );
    if (status === 200 || (options.secrets && status === 503)) break;
    await new Promise((r) => setTimeout(r, 250));
  }

  const d1File = () => {
    const found = filesUnder(join(persistDir, 'v3', 'd1')).filter((f) => f.endsWith('.sqlite') && !f.endsWith('metadata.sqlite'));
    if (found.length !== 1) throw new Error(`expected one local D1 database, found ${found.length}`);
    return found[0] as string;
  };
  const query = <T>(sql: string, params: SqlValue[] = []): T[] => {
    const db = new Database(d1File(), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };

  return {
    url,
    fixture: fx,
    config,
    persistDir,
    logDir: join(dir, 'wrangler-logs'),
    output: () => output,
    query,
    count: (table) => query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]?.n ?? -1,
    r2Uploads: () => {
      const files = filesUnder(join(persistDir, 'v3', 'r2')).filter((f) => f.endsWith('.sqlite') && !f.endsWith('metadata.sqlite'));
      return files.flatMap((f) => {
        const db = new Database(f, { readonly: true, fileMustExist: true });
        try {
          return db.prepare('SELECT key, uploaded FROM _mf_objects').all() as { key: string; uploaded: number }[];
        } finally {
          db.close();
        }
      });
    },
    stateFiles: () => filesUnder(persistDir),
    stop: async () => {
      if (running && child.pid) {
        // wrangler writes the Worker's console output to its log file a little after the fact.
        await new Promise((r) => setTimeout(r, 1000));
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            if (child.pid) process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** The text of wrangler's debug log files, which hold the Worker's console output. */
export function wranglerLogs(worker: WorkerUnderTest): string {
  return filesUnder(worker.logDir)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}
