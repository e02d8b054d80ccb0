// Node entry (DESIGN "Shape of the code"): the SQLite store, migrations from migrations/, static
// files from web/dist/assets (checked against web/dist/build.json before anything starts), the
// site manifest and its `site.deployed` entry before the first answer (promise 11), maintenance
// every minute (or a sixth of log.maxCheckpointAgeSeconds, so the log is cosigned again in time),
// notices by e-mail (nodemailer), and an HTTP server on @hono/node-server.
// The request listener hands Hono a standard Request; nothing here passes on the socket or
// its address (DESIGN promise 2), so no route could read them even by mistake.
// The HTTP server is hardened against floods and slow clients (promise 10): a cap on open
// connections, timeouts for the headers and the whole request (src/server/bodies.ts adds one for
// a stalled body), its own answers — with the security headers — to requests Node refuses before
// the app (malformed, too slow, CONNECT), `Expect: 100-continue` honoured only once the app reads
// the body, and what is left of a refused body read and dropped, within bounds, so that the
// client reads the answer rather than a reset connection.

import { getRequestListener, RequestError } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { relative } from 'node:path';
import type { Transporter } from 'nodemailer';
import { createApp, siteManifestOf, type AppDeps, type RelaisApp } from './app.ts';
import type { ResolvedConfig } from './config/resolve.ts';
import type { NoteSigner } from './core/tlog/index.ts';
import type { BuildManifest } from './core/site-manifest.ts';
import type { Relais } from './server/context.ts';
import { loadWebBuild } from './node-web-build.ts';
import { MIGRATIONS_DIR, WEB_DIST_DIR } from './paths.ts';
import { BUSY_RETRY_SECONDS } from './server/body-gate.ts';
import { recordConfigVersion } from './server/config-change.ts';
import { DOCTOR_PATH, doctorProbe } from './server/doctor-probe.ts';
import { ROUTED_METHODS, SECURITY_HEADERS } from './server/http.ts';
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

/** Limits of the HTTP server (see the file's opening comment). */
export type HttpLimits = typeof HTTP_LIMITS;
export const HTTP_LIMITS = {
  /** open connections; past it a new one is answered 503 server_busy and closed */
  maxConnections: 1024,
  /** to receive a request's headers (Node answers 408 past it) */
  headersTimeoutMs: 20_000,
  /** to receive a whole request, body included: a large upload on a slow phone takes minutes */
  requestTimeoutMs: 15 * 60_000,
  keepAliveTimeoutMs: 5_000,
  /** how often Node checks the two timeouts above */
  checkIntervalMs: 5_000,
  maxHeaderBytes: 16 * 1024,
  /** what is left of a refused body is read and dropped up to this much, for up to this long */
  drainBytes: 64 * 1024 * 1024,
  drainMs: 10_000,
};

/** An answer written on the socket itself, for requests that never reach the app. */
function rawAnswer(socket: Duplex, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    405: 'Method Not Allowed',
    408: 'Request Timeout',
    431: 'Request Header Fields Too Large',
    503: 'Service Unavailable',
  };
  const body = JSON.stringify({ error: code, message });
  const headers = {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...SECURITY_HEADERS,
    ...extra,
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}\r\n${head}\r\n${body}`);
  // Closed once the client has read it and gone, or soon after.
  setTimeout(() => socket.destroy(), 1000).unref();
}

function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return void rawAnswer(socket, 408, 'request_timeout', 'The request took too long to arrive.');
  if (err.code === 'HPE_HEADER_OVERFLOW') return void rawAnswer(socket, 431, 'headers_too_large', 'The request headers are too large.');
  if (err.code === 'HPE_INVALID_METHOD')
    return void rawAnswer(socket, 405, 'method_not_allowed', 'This method is not allowed here.', { Allow: ROUTED_METHODS.join(', ') });
  rawAnswer(socket, 400, 'malformed_request', 'This is not an HTTP request the server can read.');
}

/**
 * After the answer, what the app left unread of the body is read and dropped (never kept), so
 * that a client still sending reads the answer instead of a reset; past the bounds the
 * connection is cut.
 */
function dropUnreadBody(incoming: IncomingMessage, outgoing: ServerResponse, limits: HttpLimits): void {
  outgoing.once('finish', () => {
    if (incoming.complete) return;
    incoming.removeAllListeners('data');
    let bytes = 0;
    const cut = () => incoming.socket?.destroy();
    const timer = setTimeout(cut, limits.drainMs);
    timer.unref();
    incoming.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.drainBytes) cut();
    });
    incoming.once('end', () => clearTimeout(timer));
    incoming.once('close', () => clearTimeout(timer));
    incoming.resume();
  });
}

const CURRENT = Symbol('current request');
type LingeringSocket = Duplex & { destroySoon(): void; [CURRENT]?: IncomingMessage };
const lingering = new WeakSet<Duplex>();

/**
 * When Node closes a connection after an answer (the client asked for it, or the answer said so)
 * while the client is still sending the body, it would close at once and the client would get a
 * reset instead of the answer. Here it closes its side only, keeps reading (dropUnreadBody drops
 * it) until the client is done, and cuts within the bounds.
 */
function lingerBeforeClosing(incoming: IncomingMessage, limits: HttpLimits): void {
  const socket = incoming.socket as LingeringSocket | null;
  if (!socket) return;
  socket[CURRENT] = incoming;
  if (lingering.has(socket)) return;
  lingering.add(socket);
  const destroySoon = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (socket[CURRENT]?.complete !== false) return destroySoon();
    socket.end();
    const timer = setTimeout(() => socket.destroy(), limits.drainMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

/** An HTTP server for `fetch`, with the limits above. */
export function createHttpServer(fetch: (req: Request) => Response | Promise<Response>, overrides: Partial<HttpLimits> = {}): Server {
  const limits = { ...HTTP_LIMITS, ...overrides };
  const listener = getRequestListener((req: Request) => fetch(req), {
    autoCleanupIncoming: false,
    // A request Node parsed but no URL can be made of (a bad Host header…): answered like the rest.
    errorHandler: (e) => {
      const bad = e instanceof RequestError;
      const body = JSON.stringify(
        bad
          ? { error: 'malformed_request', message: 'This is not an HTTP request the server can read.' }
          : { error: 'internal', message: 'The server could not complete this request.' },
      );
      return new Response(body, { status: bad ? 400 : 500, headers: { 'Content-Type': 'application/json', ...SECURITY_HEADERS } });
    },
  });
  const handle = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    lingerBeforeClosing(incoming, limits);
    dropUnreadBody(incoming, outgoing, limits);
    void listener(incoming, outgoing);
  };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // Node's own refusal would lack the security headers; the listener's errorHandler answers.
      requireHostHeader: false,
    },
    handle,
  );
  // The client waits for a go-ahead before sending its body: it gets one only when the app starts
  // reading it; a refusal comes instead, and the connection closes since the body never will.
  server.on('checkContinue', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    outgoing.setHeader('Connection', 'close');
    incoming.once('resume', () => {
      if (outgoing.headersSent) return;
      outgoing.removeHeader('Connection');
      outgoing.writeContinue();
    });
    handle(incoming, outgoing);
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) =>
    rawAnswer(socket, 405, 'method_not_allowed', 'This method is not allowed here.', { Allow: ROUTED_METHODS.join(', ') }),
  );
  server.on('clientError', answerClientError);
  // Past the cap, a new connection gets an answer (never a silent close) and is closed.
  const [httpConnection] = server.listeners('connection') as ((socket: Duplex) => void)[];
  server.removeAllListeners('connection');
  let open = 0;
  server.on('connection', (socket: Duplex) => {
    if (open >= limits.maxConnections) {
      socket.on('error', () => socket.destroy());
      socket.resume();
      return void rawAnswer(socket, 503, 'server_busy', 'The server has too many connections; try again in a few seconds.', {
        'Retry-After': String(BUSY_RETRY_SECONDS),
      });
    }
    open++;
    socket.once('close', () => open--);
    httpConnection?.call(server, socket);
  });
  return server;
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
  /** tighter HTTP limits (tests of slow clients) */
  httpLimits?: Partial<HttpLimits>;
  bodyIdleMs?: number;
}

/** Notices by e-mail through the configured SMTP relay (nodemailer) and by webhook (fetch). */
export function nodeNotifier(config: ResolvedConfig, smtpPassword?: string): Notifier | undefined {
  const n = config.config.notifications;
  if (!n) return undefined;
  const smtp = n.smtp;
  // nodemailer is loaded with the first notice, not at start: most servers send none for hours.
  let transport: Promise<Transporter> | null = null;
  const transportFor = (relay: NonNullable<typeof smtp>): Promise<Transporter> => {
    transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: relay.host,
        port: relay.port,
        secure: relay.tls === 'implicit',
        requireTLS: relay.tls === 'starttls',
        ignoreTLS: relay.tls === 'none',
        ...(relay.user ? { auth: { user: relay.user, pass: smtpPassword ?? '' } } : {}),
      }),
    );
    return transport;
  };
  return {
    email: async (to, notice) => {
      if (!smtp) throw new Error('no smtp relay');
      await (await transportFor(smtp)).sendMail({ from: smtp.from, to, subject: notice.subject, text: notice.text });
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
    ...(options.bodyIdleMs ? { bodyIdleMs: options.bodyIdleMs } : {}),
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

  const server = createHttpServer(
    (req: Request) =>
      // `relais doctor`'s probe reads the header names of its own request, before the app strips it.
      new URL(req.url).pathname === DOCTOR_PATH ? doctorProbe(req, relais.secrets.doctor, relais.clock()) : fetch(req),
    options.httpLimits,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.hostname ?? '127.0.0.1', () => resolve());
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await store.db.close();
    },
  };
}
