// Staff authentication (DESIGN "Officer session", promise 8): a bearer token in the
// Authorization header (never a cookie), looked up by its SHA-256, with an idle timeout and an
// absolute expiry, and valid only while its member is still in the config. Roles come from the
// current config on every request, so removing someone from an inbox takes effect at once.
// Staff data routes fail closed (DESIGN promise 7): while the audit log cannot append or sign
// (TransparencyLog.outage), they answer 503 with the outage's stable code, so nothing is served
// that auditors could not find in a signed checkpoint. The staff session is set before the role
// check, so a refusal can be logged with its member (src/server/staff-log.ts).

import { sha256 } from '@noble/hashes/sha2.js';
import type { MiddlewareHandler } from 'hono';
import type { StaffRole } from '../config/resolve.ts';
import { randomBytes, toBase64Url, toHex, utf8 } from '../core/bytes.ts';
import type { Env, Relais } from './context.ts';
import { ApiError } from './http.ts';

export const SESSION_IDLE_MS = 15 * 60 * 1000;
export const SESSION_MAX_MS = 8 * 60 * 60 * 1000;
/** Sessions are touched at most this often, to spare the database a write per request. */
const TOUCH_INTERVAL_MS = 30 * 1000;

export function newSessionToken(): string {
  return toBase64Url(randomBytes(32));
}

export function tokenHash(token: string): string {
  return toHex(sha256(utf8(token)));
}

export function requireStaff(relais: Relais, roles: StaffRole[], options: { data?: boolean } = {}): MiddlewareHandler<Env> {
  const data = options.data ?? true;
  return async (c, next) => {
    // A staff route, answered or refused: logged with a line of its own (request-log.ts).
    c.set('staffRoute', true);
    const header = c.req.header('Authorization') ?? '';
    const m = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(header);
    if (!m) throw new ApiError(401, 'unauthorized', 'Log in first.');
    const hash = tokenHash(m[1] as string);
    const session = await relais.store.sessions.get(hash);
    if (!session) throw new ApiError(401, 'unauthorized', 'Log in first.');
    const now = relais.clock();
    if (session.expires <= now || session.lastUsed + SESSION_IDLE_MS <= now) {
      await relais.store.sessions.delete(hash);
      throw new ApiError(401, 'session_expired', 'The session has expired; log in again.');
    }
    const member = relais.config.staff.get(session.memberId);
    if (!member) {
      await relais.store.sessions.delete(hash);
      throw new ApiError(401, 'unauthorized', 'This account is no longer in the configuration.');
    }
    c.set('staff', { member, tokenHash: hash, expires: Math.min(session.expires, now + SESSION_IDLE_MS) });
    if (!member.roles.some((r) => roles.includes(r))) throw new ApiError(403, 'forbidden', 'Your role does not allow this.');
    const outage = data ? relais.tlog.outage() : null;
    if (outage) throw new ApiError(503, outage.code, outage.message);
    if (now - session.lastUsed >= TOUCH_INTERVAL_MS) await relais.store.sessions.touch(hash, now);
    await next();
  };
}
