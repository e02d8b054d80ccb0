// Workers entry (DESIGN "Shape of the code"): the same createApp as on Node, on D1 (the store)
// and R2 (attachment bytes), with the config bundled at deploy time and the secrets (server
// secret, log signer key) as Workers secrets. A cron trigger runs the periodic work that Node runs
// every minute, checkpoint signing included (promise 7).
//
// Nothing about residents on the edge either (promise 2): the request goes to createApp's fetch
// untouched, which rebuilds it with only the headers Relais reads, so neither `request.cf` nor
// the client address headers Cloudflare adds (CF-Connecting-IP, X-Forwarded-For, …) reach any
// route, log line or binding. Static pages are served through the app (run_worker_first in
// wrangler.toml), so they carry the same security headers as on Node (promise 9). Each isolate
// reads web/dist/build.json from its assets at start, renders the site manifest, and logs
// `site.deployed` (once for all isolates) before it answers anyone (promise 11).

import type { MiddlewareHandler } from 'hono';
import bundledConfig from 'relais-worker-config';
import { type AppDeps, createApp, type RelaisApp, siteManifestOf } from './app.ts';
import { resolveConfigBundle } from './config/bundled.ts';
import { ConfigError } from './config/resolve.ts';
import { BUILD_FORMAT, type BuildManifest } from './core/site-manifest.ts';
import { parseSignerKey } from './core/tlog/index.ts';
import { recordConfigVersion } from './server/config-change.ts';
import { runMaintenance } from './server/maintenance.ts';
import { recordSiteDeployment } from './server/site.ts';
import { deriveSecrets, parseServerSecret } from './server/secrets.ts';
import { D1Driver, type D1Like } from './store/d1.ts';
import { DurableCounters, type DurableNamespaceLike } from './store/durable-counters.ts';
import { R2BlobStore, type R2Like } from './store/r2.ts';
import { Store } from './store/store.ts';

export interface WorkerEnv {
  /** D1 database, migrated by `wrangler d1 migrations apply` from migrations/ */
  DB: D1Like;
  /** R2 bucket for attachment bytes */
  BLOBS: R2Like;
  /** web/dist, when it was built before deploying */
  ASSETS?: { fetch(request: Request): Promise<Response> };
  /** base64 of ≥ 32 random bytes (`wrangler secret put RELAIS_SERVER_SECRET`) */
  RELAIS_SERVER_SECRET?: string;
  /** the audit log's checkpoint signer key, made by `relais log-key` (`wrangler secret put RELAIS_LOG_KEY`) */
  RELAIS_LOG_KEY?: string;
  /** the Durable Object that counts for the whole deployment (no-JS cap, failed logins) */
  COUNTERS?: DurableNamespaceLike;
  /** "none": write no log line at all (a [vars] entry in wrangler.toml) */
  RELAIS_LOG?: string;
}

/** The Durable Object class wrangler.toml binds as COUNTERS (memory only). */
export { RelaisCounters } from './store/durable-counters.ts';

interface ScheduledController {
  readonly cron: string;
  readonly scheduledTime: number;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * The operator's lines (server/request-log.ts: staff requests, one summary per closed bucket,
 * start problems), never about the caller; none with RELAIS_LOG = "none". Counts live in the
 * isolate's memory, so each isolate summarizes only the requests it answered, at the first cron
 * run after the bucket closed; an isolate evicted before that takes its counts with it.
 */
function logFor(env: WorkerEnv): (line: string) => void {
  return env.RELAIS_LOG === 'none' ? () => {} : (line) => console.log(line);
}

/** Serves web/dist through the app, for GET and HEAD only; unknown paths fall through to 404. */
export function workersAssets(assets: NonNullable<WorkerEnv['ASSETS']>): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const url = new URL(c.req.url);
    if (url.pathname.startsWith('/api/')) return next();
    // The asset fetch is a subrequest: it gets the path alone, with no header and no query
    // string, so that no trace of a subrequest can hold more than which page was asked for.
    const res = await assets.fetch(new Request(`${url.origin}${url.pathname}`, { method: c.req.method }));
    if (res.status === 404) return next();
    // A fetched response's headers are immutable; the security headers are set on a copy.
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
  };
}

/** A deployment mistake, with a message that is safe to log (it quotes no secret). */
class StartProblem extends Error {}

/** web/dist/build.json, deployed with the code (the app serves /assets/ only, so not to visitors). */
async function readBuild(env: WorkerEnv): Promise<BuildManifest> {
  const missing = new StartProblem('the web assets are missing (web/dist/build.json): run `npm run build` before `wrangler deploy`');
  if (!env.ASSETS) throw missing;
  const res = await env.ASSETS.fetch(new Request('https://assets.invalid/build.json'));
  const build = res.ok ? ((await res.json().catch(() => null)) as BuildManifest | null) : null;
  if (build?.format !== BUILD_FORMAT || typeof build.files !== 'object') throw missing;
  const { format, version, commit, sources, files } = build;
  return { format, version, commit, sources, files };
}

async function start(env: WorkerEnv): Promise<RelaisApp> {
  if (!env.RELAIS_SERVER_SECRET) throw new StartProblem('RELAIS_SERVER_SECRET is not set (wrangler secret put RELAIS_SERVER_SECRET)');
  // Resolved per isolate at its first request: the Workers clock does not run at module load.
  const config = await resolveConfigBundle(bundledConfig, new Date());
  const build = await readBuild(env);
  const db = new D1Driver(env.DB);
  // The counters object is reached while answering residents too: what it reports goes into the
  // bucket's summary, never into a line at that moment (server/request-log.ts).
  let note: (line: string) => void = () => {};
  const deps: AppDeps = {
    config,
    store: new Store(db, new R2BlobStore(env.BLOBS)),
    secrets: deriveSecrets(parseServerSecret(env.RELAIS_SERVER_SECRET)),
    log: logFor(env),
    build,
    // Without it the log is stored but no checkpoint is signed (and a warning is logged).
    ...(env.RELAIS_LOG_KEY ? { logSigner: signerOf(env.RELAIS_LOG_KEY) } : {}),
    ...(env.ASSETS ? { assets: workersAssets(env.ASSETS) } : {}),
    ...(env.COUNTERS ? { counters: new DurableCounters(env.COUNTERS, (line) => note(line)) } : {}),
  };
  const relaisApp = createApp(deps);
  note = (line) => relaisApp.relais.requests.note(line);
  // As the Node entry does at start: log the config version and the served code if they are
  // new, and put them in a signed checkpoint at once (otherwise the next logged request or cron
  // run does).
  const manifest = await siteManifestOf(deps);
  const configLogged = await recordConfigVersion(relaisApp.relais);
  const siteLogged = await recordSiteDeployment(relaisApp.relais, manifest);
  if (configLogged || siteLogged) await relaisApp.relais.tlog.integrateOrReport();
  return relaisApp;
}

function signerOf(text: string) {
  try {
    return parseSignerKey(text.trim());
  } catch {
    throw new StartProblem('RELAIS_LOG_KEY is not a signer key made by `relais log-key`');
  }
}

let ready: Promise<RelaisApp> | null = null;

/** The app of this isolate, started once; a failed start is tried again on the next request. */
function relaisOf(env: WorkerEnv): Promise<RelaisApp> {
  ready ??= start(env).catch((e: unknown) => {
    ready = null;
    throw e;
  });
  return ready;
}

/** Config problems and our own messages are safe to log; of anything else only the class, since its message could quote a secret. */
function startFailure(e: unknown): string {
  const safe = e instanceof StartProblem || e instanceof ConfigError;
  return `start failed: ${safe ? e.message : e instanceof Error ? e.name : 'error'}`;
}

/** The answer while the Worker cannot start. Nothing is logged here, at a resident's request time: the cron run says why. */
function unavailable(): Response {
  return new Response(JSON.stringify({ error: 'unavailable', message: 'The service is not available.' }), {
    status: 503,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
  });
}

export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    let relaisApp: RelaisApp;
    try {
      relaisApp = await relaisOf(env);
    } catch {
      return unavailable();
    }
    // What a refused request left unread of its body is read and dropped first, so that a client
    // still sending gets the answer (workerd cannot read the body once the answer is sent).
    return relaisApp.fetch(request, { drainBody: true });
  },

  /**
   * The cron trigger of wrangler.toml: report-received entries of closed buckets, retention,
   * integration of the audit log with a signed checkpoint, purges.
   */
  async scheduled(_controller: ScheduledController, env: WorkerEnv, _ctx: ExecutionContext): Promise<void> {
    let relaisApp: RelaisApp;
    try {
      relaisApp = await relaisOf(env);
    } catch (e) {
      logFor(env)(startFailure(e));
      return;
    }
    await runMaintenance(relaisApp.relais);
  },
};
