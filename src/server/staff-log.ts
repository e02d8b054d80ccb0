// Staff reads and refusals in the audit log (DESIGN promise 7, issue 11): every staff read,
// metadata included, is one audit entry per request, appended before the answer's bytes go out
// (staffRead); every refused staff attempt on witness data and disclosures — a custodian
// approving their own request, an officer asking for a witness, a step the state forbids — is a
// `staff.refused` entry with the route pattern (never the path or the input), the status and the
// stable code (logRefusals). If the entry cannot be written the request fails (5xx/503): nothing
// is served unlogged.

import { matchedRoutes } from 'hono/route';
import type { Context, MiddlewareHandler } from 'hono';
import type { StaffEvent } from './audit.ts';
import type { Env, Relais } from './context.ts';
import { ApiError } from './http.ts';

/** Appends one entry for the read this request serves, before it is served. */
export async function staffRead(relais: Relais, c: Context<Env>, event: Omit<StaffEvent, 'actor'>): Promise<void> {
  await relais.audit.append({ ...event, actor: `member:${c.get('staff').member.id}` });
}

/** Logs a refused staff request (4xx after the session was found) as `staff.refused`. */
export function logRefusals(relais: Relais): MiddlewareHandler<Env> {
  return async (c, next) => {
    await next();
    const staff = c.get('staff') as Env['Variables']['staff'] | undefined;
    const status = c.res.status;
    if (!staff || status < 400 || status >= 500 || status === 401) return;
    const error = c.error instanceof ApiError ? c.error.code : 'refused';
    const route = matchedRoutes(c)[c.req.routeIndex]?.path ?? '-';
    await relais.audit.append({
      action: 'staff.refused',
      actor: `member:${staff.member.id}`,
      details: { route: `${c.req.method} ${route}`, status, error },
    });
  };
}
