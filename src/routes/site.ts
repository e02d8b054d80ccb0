// The public face of the served code (DESIGN promise 11, issue 12), for anyone, without a login:
//
//   GET /.well-known/relais/manifest      the site manifest this server started with (canonical
//                                         JSON: the SHA-256 of the body is the manifest hash)
//   GET /.well-known/relais/deployments   the log's latest signed checkpoint, with the cosignatures
//                                         it got (as GET /api/v1/log/checkpoint serves it), and the newest
//                                         `site.deployed` entries, each with its RFC 9162 inclusion
//                                         proof in that checkpoint's tree (null for an entry not
//                                         yet in a signed checkpoint)
//
// The deployment entries are public because they hold no resident or staff data (the system as
// actor, a time, a manifest hash, a version and a commit), so that a checker who is not an auditor
// can tie the served code to the signed, cosigned log (SECURITY.md "Someone who swaps the served
// code"). Neither route takes a query; any query is refused with `bad_query`.

import { Hono, type Context } from 'hono';
import { base64Encode, proveInclusion } from '../core/tlog/index.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { DEPLOYMENTS_PATH, MANIFEST_PATH } from '../core/site-manifest.ts';

/** Most deployments one answer lists (newest first); older ones are in the log for auditors. */
export const MAX_DEPLOYMENTS = 100;

function noQuery(c: Context<Env>): void {
  if (new URL(c.req.url).search !== '') throw new ApiError(400, 'bad_query', 'This address takes no query parameters.');
}

export function siteRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();

  app.get(MANIFEST_PATH, (c) => {
    noQuery(c);
    const published = relais.site.published;
    if (!published) throw new ApiError(503, 'manifest_not_ready', 'The server has not published its manifest yet.');
    return c.body(published.text, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });

  app.get(DEPLOYMENTS_PATH, async (c) => {
    noQuery(c);
    const table = relais.tlog.table;
    const checkpoint = await table.latestCheckpoint();
    const note = await relais.tlog.servedCheckpoint();
    const size = checkpoint?.size ?? 0;
    const deployments = [];
    for (const d of await relais.store.siteDeployments.recent(MAX_DEPLOYMENTS)) {
      const [row] = await relais.store.audit.range(d.idx, d.idx + 1);
      if (!row) continue;
      const proof = d.idx < size ? (await proveInclusion(d.idx, size, table)).map(base64Encode) : null;
      deployments.push({ index: d.idx, entry: row.entry, proof });
    }
    return c.json({ checkpoint: note, deployments });
  });

  return app;
}
