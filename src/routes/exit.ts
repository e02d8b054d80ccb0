// GET /sortie: the quick exit's last step (issue 17; SECURITY "Someone who seizes a resident's
// phone"). The quick-exit link points here and the page script `location.replace`s to it, so the
// page is replaced in the history. The answer tells the browser to clear whatever this origin may
// have left in it (`Clear-Site-Data`: its cache, cookies and storage; Relais itself stores
// nothing, but a proxy, an extension or an earlier version could have), then sends it on to the
// neutral site of `site.quickExitUrl` with a 303. It reads nothing of the request.

import { Hono } from 'hono';
import { CLEAR_SITE_DATA, EXIT_PATH } from '../core/quick-exit.ts';
import type { Env, Relais } from '../server/context.ts';

export function exitRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const target = relais.config.config.site.quickExitUrl;
  app.get(EXIT_PATH, (c) => {
    c.header('Clear-Site-Data', CLEAR_SITE_DATA);
    return c.redirect(target, 303);
  });
  return app;
}
