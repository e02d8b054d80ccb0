// Node entry (DESIGN "Shape of the code"): the SQLite store, migrations from migrations/, static
// files from web/dist/assets (checked against web/dist/build.json before anything starts), the
// site manifest and its `site.deployed` entry before the first answer (promise 11), maintenance
// every minute (or a sixth of log.maxCheckpointAgeSeconds, so the log is cosigned again in time),
// notices by e-mail (nodemailer), and an HTTP server on @hono/node-server.
// The request listener hands Hono a standard Request; nothing here passes on the socket or
// its address (DESIGN promise 2), so no route could read them even by mistake.

import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import nodemailer from 'nodemailer';
import { createApp, siteManifestOf, type AppDeps, type RelaisApp } from './app.ts';
import type { ResolvedConfig } from './config/resolve.ts';
import type { NoteSigner } from './core/tlog/index.ts';
import type { BuildManifest } from './core/site-manifest.ts';
import type { Relais } from './server/context.ts';
import { loadWebBuild } from './node-web-build.ts';
import { MIGRATIONS_DIR, WEB_DIST_DIR } from './paths.ts';
import { recordConfigVersion } from './server/config-change.ts';
import { DOCTOR_PATH, doctorProbe } from './server/doctor-probe.ts';
import type { Notifier } from './server/notifications.ts';
import { recordSiteDeployment } from './server/site.ts';
import { runMaintenance } from './server/maintenance.ts';
import { deriveSecrets } from './server/secrets.ts';
import { SqlBlobStore } from './store/blobs.ts';
import { applyMigrations, type Migration } from './store/migrate.ts';
import { openSqlite } from './store/sqlite.ts';
import { Store } from './store/store.ts';

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((name) => ({ name, sql: readFileSync(`${dir}/${name}`, 'utf8') }));
}

export async function openNodeStore(dbPath: string): Promise<Store> {
  // A new database is created for this user alone (SQLite gives its -wal and -shm files the same
  // mode), whatever the umask: it holds sealed reports and staff times.
  if (!existsSync(dbPath)) closeSync(openSync(dbPath, 'wx', 0o600));
  const db = openSqlite(dbPath);
  await applyMigrations(db, readMigrations());
  return new Store(db, new SqlBlobStore(db));
}

/**
 * A body refused for its size is answered before it is read; the connection cannot carry another
 * request after that, so the client is told not to reuse it.
 */
function closeAfterRefusedBody(res: Response): Response {
  if (res.status === 413) res.headers.set('Connection', 'close');
  return res;
}

/**
 * web/dist/assets from disk, gzip-compressed (scripts and styles hold no secret, so no BREACH-style
 * leak; pages and API answers are not compressed). On Workers the platform compresses.
 */
function staticAssets(webRoot: string, build: BuildManifest): MiddlewareHandler {
  const gzip = compress({ encoding: 'gzip' });
  const files = serveStatic({ root: relative(process.cwd(), webRoot) || '.' });
  // Only the files the checked build lists, and only to GET and HEAD: any other path or method is
  // the app's own answer (404, 405) without touching the disk or the compressor (an unlisted path
  // through both answered 500).
  return (c, next) => {
    if (!Object.hasOwn(build.files, c.req.path) || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return next();
    return gzip(c, async () => {
      const res = await files(c, next);
      if (res) c.res = res;
    });
  };
}

/** A port that cannot be listened on, said in one line (issue 14: no stack trace for a busy port). */
export class ListenError extends Error {}

function listenProblem(e: unknown, host: string, port: number): unknown {
  const code = (e as { code?: unknown }).code;
  if (code === 'EADDRINUSE')
    return new ListenError(`port ${port} on ${host} is already in use: stop what listens there or choose another --port`);
  if (code === 'EACCES')
    return new ListenError(`not allowed to listen on port ${port} on ${host}: ports below 1024 need privileges; choose another --port`);
  if (code === 'EADDRNOTAVAIL') return new ListenError(`${host} is not an address of this machine: choose another --host`);
  return e;
}

export interface NodeServerOptions {
  config: ResolvedConfig;
  dbPath: string;
  serverSecret: Uint8Array;
  port: number;
  hostname?: string;
  webRoot?: string;
  log?: (line: string) => void;
  clock?: () => number;
  maintenanceIntervalMs?: number;
  /** the audit log's checkpoint signer; without it the log is stored but not signed */
  logSigner?: NoteSigner | undefined;
  /** the SMTP relay's password for notifications (RELAIS_SMTP_PASSWORD), never from the config */
  smtpPassword?: string | undefined;
}

/** Notices by e-mail through the configured SMTP relay (nodemailer) and by webhook (fetch). */
export function nodeNotifier(config: ResolvedConfig, smtpPassword?: string): Notifier | undefined {
  const n = config.config.notifications;
  if (!n) return undefined;
  const smtp = n.smtp;
  const transport = smtp
    ? nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.tls === 'implicit',
        requireTLS: smtp.tls === 'starttls',
        ignoreTLS: smtp.tls === 'none',
        ...(smtp.user ? { auth: { user: smtp.user, pass: smtpPassword ?? '' } } : {}),
      })
    : null;
  return {
    email: async (to, notice) => {
      if (!transport || !smtp) throw new Error('no smtp relay');
      await transport.sendMail({ from: smtp.from, to, subject: notice.subject, text: notice.text });
    },
    webhook: async (url, notice) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: notice.text }),
      });
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    },
  };
}

export interface RunningServer {
  url: string;
  relais: Relais;
  /** the Hono app, for tests that list its routes */
  app: RelaisApp['app'];
  close(): Promise<void>;
}

export async function startNodeServer(options: NodeServerOptions): Promise<RunningServer> {
  const webRoot = options.webRoot ?? WEB_DIST_DIR;
  // Before the database is touched: a server whose web assets do not match stops here.
  const build = loadWebBuild(webRoot);
  const store = await openNodeStore(options.dbPath);
  const log = options.log ?? ((line: string) => console.log(line));
  const deps: AppDeps = {
    config: options.config,
    store,
    secrets: deriveSecrets(options.serverSecret),
    log,
    build,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logSigner ? { logSigner: options.logSigner } : {}),
    ...(options.config.config.notifications ? { notifier: nodeNotifier(options.config, options.smtpPassword) as Notifier } : {}),
    assets: staticAssets(webRoot, build),
  };
  const { fetch, relais, app } = createApp(deps);
  await recordConfigVersion(relais);
  // Logged (and, below, signed into a checkpoint) before the server listens.
  await recordSiteDeployment(relais, await siteManifestOf(deps));
  await runMaintenance(relais);

  let running = false;
  const timer = setInterval(
    () => {
      if (running) return;
      running = true;
      runMaintenance(relais)
        .catch((e: Error) => log(`maintenance failed: ${e.name}`))
        .finally(() => (running = false));
    },
    // Often enough that a cosignature is renewed well within log.maxCheckpointAgeSeconds.
    options.maintenanceIntervalMs ?? Math.min(60_000, (options.config.config.log.maxCheckpointAgeSeconds * 1000) / 6),
  );
  timer.unref();

  let server: ServerType;
  try {
    server = await new Promise((resolve, reject) => {
      const s = serve(
        {
          fetch: (req: Request) =>
            // `relais doctor`'s probe reads the header names of its own request, before the app strips it.
            new URL(req.url).pathname === DOCTOR_PATH
              ? doctorProbe(req, relais.secrets.doctor, relais.clock())
              : fetch(req).then(closeAfterRefusedBody),
          port: options.port,
          hostname: options.hostname ?? '127.0.0.1',
        },
        () => resolve(s),
      );
      s.once('error', reject);
    });
  } catch (e) {
    clearInterval(timer);
    await store.db.close();
    throw listenProblem(e, options.hostname ?? '127.0.0.1', options.port);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.hostname ?? '127.0.0.1'}:${port}`,
    relais,
    app,
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.db.close();
    },
  };
}
