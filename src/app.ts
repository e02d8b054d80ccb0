// createApp(deps): the whole Relais HTTP service as a Hono app. It imports nothing specific to a
// runtime: the Node entry (node.ts) and the Workers entry (worker.ts) build the store, read the
// secrets and the config, and pass them in, with a static-asset handler of their own.

import { Hono, type MiddlewareHandler } from 'hono';
import type { ResolvedConfig } from './config/resolve.ts';
import { BUILD_FORMAT, type BuildManifest } from './core/site-manifest.ts';
import type { NoteSigner } from './core/tlog/index.ts';
import { auditorRoutes } from './routes/auditor.ts';
import { custodyNoteRoutes } from './routes/custody-notes.ts';
import { disclosureRoutes } from './routes/disclosure.ts';
import { exitRoutes } from './routes/exit.ts';
import { figureRoutes } from './routes/figures.ts';
import { followUpRoutes } from './routes/followup.ts';
import { caseExportRoutes } from './routes/case-export.ts';
import { languagePageRoutes } from './routes/language-pages.ts';
import { officerCaseworkRoutes } from './routes/officer-casework.ts';
import { grantRoutes } from './routes/grant.ts';
import { officerMessageRoutes } from './routes/officer-messages.ts';
import { officerRoutes } from './routes/officer.ts';
import { pageRoutes } from './routes/pages.ts';
import { residentRoutes } from './routes/resident.ts';
import { sessionRoutes } from './routes/session.ts';
import { siteRoutes } from './routes/site.ts';
import { staffPageRoutes } from './routes/staff-pages.ts';
import { witnessPageRoutes } from './routes/witness-pages.ts';
import { witnessRoutes } from './routes/witness.ts';
import { Audit } from './server/audit.ts';
import { type Counters, MemoryCounters } from './core/counters.ts';
import { BodyGate } from './server/body-gate.ts';
import { RefusedProofs } from './server/proof.ts';
import type { Env, Relais } from './server/context.ts';
import { TransparencyLog } from './server/log.ts';
import { refreshIfDue } from './server/key-lifecycle.ts';
import { integrateAfterLogging } from './server/log-trigger.ts';
import { minimalRequest } from './server/minimal-request.ts';
import type { Notifier } from './server/notifications.ts';
import { errorResponse, handleError, refuseOtherMethods, securityHeaders } from './server/http.ts';
import { RequestLog } from './server/request-log.ts';
import { publicConfig } from './server/public-config.ts';
import type { ServerSecrets } from './server/secrets.ts';
import { pagePaths, renderSiteManifest, Site } from './server/site.ts';
import type { Store } from './store/store.ts';

export interface AppDeps {
  config: ResolvedConfig;
  store: Store;
  secrets: ServerSecrets;
  clock?: () => number;
  /** where the operator's lines go (stdout on Node); see server/request-log.ts for which lines */
  log?: (line: string) => void;
  /** serves web/dist/assets (runtime-specific, compression included); answers nothing for unknown paths */
  assets?: MiddlewareHandler;
  /** the audit log's checkpoint signer (RELAIS_LOG_KEY); without it no checkpoint is signed */
  logSigner?: NoteSigner;
  /** delivers content-free notices (runtime-specific: e-mail on Node) */
  notifier?: Notifier;
  /** web/dist/build.json: the built files and their hashes (pages cannot render without it) */
  build?: BuildManifest;
  /** counters shared by the deployment (Workers: a Durable Object); this process's memory by default */
  counters?: Counters;
  /** how long a request body may send nothing before 408 body_timeout (default 30 s) */
  bodyIdleMs?: number;
}

const NO_BUILD: BuildManifest = { format: BUILD_FORMAT, version: '0', commit: null, sources: '', files: {} };

export function createRelais(deps: AppDeps): Relais {
  const clock = deps.clock ?? (() => Date.now());
  const log = deps.log ?? (() => {});
  const { origin } = deps.config.config.log;
  const { limits } = deps.config.config;
  return {
    config: deps.config,
    publicConfig: publicConfig(deps.config),
    store: deps.store,
    secrets: deps.secrets,
    clock,
    log,
    requests: new RequestLog(log, clock, deps.config.config.timeBucketSeconds),
    audit: new Audit(deps.store, clock),
    tlog: new TransparencyLog({
      store: deps.store,
      origin,
      verifierKey: deps.config.logVerifierKey,
      signer: deps.logSigner,
      log,
      cosigners: deps.config.config.log.cosigners,
      maxCheckpointAgeSeconds: deps.config.config.log.maxCheckpointAgeSeconds,
      clock,
    }),
    notifier: deps.notifier,
    site: new Site(deps.build ?? NO_BUILD),
    counters: deps.counters ?? new MemoryCounters(clock),
    bodies: new BodyGate(limits.concurrentUploads, limits.uploadMemoryBytes, deps.bodyIdleMs),
    proofsInUse: new Set(),
    refusedProofs: new RefusedProofs(),
  };
}

/** What a refused request left unread of its body is dropped within these bounds (MinimalRequest.drain). */
const DRAIN_BYTES = 16 * 1024 * 1024;
const DRAIN_MS = 10_000;

export interface FetchOptions {
  /**
   * Read and drop what the app left unread of the body (within DRAIN_BYTES and DRAIN_MS) before the answer is
   * handed on. The Workers entry needs it: workerd cannot read a request body once the answer is
   * sent, and a client still sending would wait for an answer that never comes. Node drains at the
   * socket after the answer (src/node.ts).
   */
  drainBody?: boolean;
}

export interface RelaisApp {
  /** the entry point for runtimes: strips the request to what Relais reads, then routes it */
  fetch: (req: Request, options?: FetchOptions) => Promise<Response>;
  app: Hono<Env>;
  relais: Relais;
}

export function createApp(deps: AppDeps): RelaisApp {
  const relais = createRelais(deps);
  const app = new Hono<Env>();
  app.use('*', relais.requests.middleware());
  app.use('*', securityHeaders({ onion: deps.config.config.site.onion }));
  app.onError(handleError((c, text) => relais.requests.problem(c, text)));
  app.notFound((c) => errorResponse(c, 404, 'not_found', 'Nothing here.'));
  app.use('*', refuseOtherMethods());
  app.use('*', async (c, next) => {
    try {
      await next();
    } finally {
      c.get('releaseBody')?.();
    }
  });
  app.use('*', integrateAfterLogging(relais));
  // A member key that expired since the last request drops out before this one is routed.
  app.use('*', async (_c, next) => {
    await refreshIfDue(relais);
    await next();
  });

  app.route('/api/v1', residentRoutes(relais));
  app.route('/api/v1/session', sessionRoutes(relais));
  app.route('/api/v1/reports', officerCaseworkRoutes(relais));
  app.route('/api/v1/reports', caseExportRoutes(relais));
  app.route('/api/v1/reports', officerRoutes(relais));
  app.route('/api/v1/log', auditorRoutes(relais));
  app.route('/api/v1/reports', officerMessageRoutes(relais));
  app.route('/api/v1/reports', grantRoutes(relais));
  app.route('/api/v1/followup', followUpRoutes(relais));
  app.route('/api/v1', figureRoutes(relais));
  app.route('/api/v1/witnesses', witnessRoutes(relais));
  app.route('/api/v1/witnesses', custodyNoteRoutes(relais));
  app.route('/api/v1/disclosures', disclosureRoutes(relais));
  app.route('/', pageRoutes(relais));
  app.route('/', witnessPageRoutes(relais));
  app.route('/', languagePageRoutes(relais));
  app.route('/', exitRoutes(relais));
  app.route('/', staffPageRoutes(relais));
  app.route('/', siteRoutes(relais));
  // Only /assets/ is static: the build manifest beside it (web/dist/build.json) is not served.
  if (deps.assets) app.use('/assets/*', deps.assets);
  return {
    fetch: async (req, options = {}) => {
      const minimal = minimalRequest(req);
      const res = await app.fetch(minimal.request);
      if (options.drainBody) await minimal.drain(DRAIN_BYTES, DRAIN_MS);
      return res;
    },
    app,
    relais,
  };
}

/**
 * The site manifest of the app `deps` build (promise 11): its pages rendered by a second, silent
 * instance of the same app (no request log lines), so exactly as they are served.
 */
export async function siteManifestOf(deps: AppDeps) {
  const quiet = createApp({ ...deps, log: () => {} });
  const { site } = deps.config.config;
  return renderSiteManifest(quiet.fetch, {
    origin: site.origin,
    paths: pagePaths(quiet.app.routes),
    languages: site.languages,
    onion: site.onion,
    build: deps.build ?? NO_BUILD,
  });
}
