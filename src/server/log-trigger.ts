// When the transparency log integrates (DESIGN promise 7, issue 6): right after every HTTP
// request during which an audit statement was made — so a staff action is in a signed C2SP
// checkpoint by the time its answer arrives — and on every maintenance run (maintenance.ts).
//
// The middleware compares Audit.statementCount before and after the request. Requests that
// overlap one that logged also integrate, which costs two small reads when nothing is pending.
// Resident requests never log (their receipts are logged per closed time bucket by maintenance),
// so they never trigger an integration and no checkpoint is timed by a resident's request
// (promise 2). A failed integration does not fail the request: the action happened and its entry
// is stored; the next request or maintenance run integrates it, and the failure is logged.

import type { MiddlewareHandler } from 'hono';
import type { Env, Relais } from './context.ts';

export function integrateAfterLogging(relais: Relais): MiddlewareHandler<Env> {
  return async (_c, next) => {
    const before = relais.audit.statementCount;
    await next();
    if (relais.audit.statementCount !== before) await relais.tlog.integrateOrReport();
  };
}
