// HTTP plumbing shared by every route: stable error answers (DESIGN promise 10: a 4xx with a
// stable code and no echo of the input) and security headers (promise 9). What is logged about
// requests, and when, is request-log.ts's job (promise 2).

import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { StorageFullError } from '../store/driver.ts';
import type { Env } from './context.ts';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): Response {
  return c.json({ error: code, message, ...extra }, status);
}

/** Seconds a client is asked to wait after 503 storage_full. */
const STORAGE_FULL_RETRY_SECONDS = 300;
/** What the operator is told of a full disk (on a resident route, in the bucket's summary only). */
export const STORAGE_FULL_PROBLEM = 'storage_full (SQLITE_FULL: the disk is full)';

/**
 * Turns any error into an answer. Only ApiError texts reach the client; a full disk is 503
 * storage_full; others become 500. Both are reported through `problem` (RequestLog.problem: a
 * line now for staff routes, the bucket's summary for resident routes, never at request time).
 */
export function handleError(problem: (c: Context<Env>, text: string) => void) {
  return (err: Error, c: Context<Env>): Response => {
    if (err instanceof ApiError) {
      const res = errorResponse(c, err.status, err.code, err.message, err.extra);
      if (typeof err.extra.retryAfter === 'number') res.headers.set('Retry-After', String(err.extra.retryAfter));
      return res;
    }
    if (err instanceof StorageFullError) {
      problem(c, STORAGE_FULL_PROBLEM);
      const res = errorResponse(c, 503, 'storage_full', 'The server cannot store anything right now; try again later.', {
        retryAfter: STORAGE_FULL_RETRY_SECONDS,
      });
      res.headers.set('Retry-After', String(STORAGE_FULL_RETRY_SECONDS));
      return res;
    }
    // A library's message may quote the input, so only the error's class and the place it was
    // thrown are reported.
    const where = (err.stack ?? '').split('\n').find((l) => l.trim().startsWith('at ')) ?? '';
    problem(c, `internal error: ${err.name} ${where.trim()}`);
    return errorResponse(c, 500, 'internal', 'The server could not complete this request.');
  };
}

/** The methods routes answer; any other gets 405 method_not_allowed (see minimal-request.ts). */
export const ROUTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];

export function refuseOtherMethods(): MiddlewareHandler {
  return async (c, next) => {
    if (!ROUTED_METHODS.includes(c.req.method)) {
      const res = errorResponse(c, 405, 'method_not_allowed', 'This method is not allowed here.');
      res.headers.set('Allow', ROUTED_METHODS.join(', '));
      return res;
    }
    await next();
  };
}

/**
 * Scripts from this origin, and from blob: URLs for the workers and modules that a checked
 * script starts or imports from exactly the bytes it verified (web/src/checked-load.ts, promise
 * 11); workers only from blob:, so no worker can start from a URL without that check. A blob: URL
 * is made by a script already running in the page: it adds no way in for anyone else.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  'worker-src blob:',
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The headers every answer carries (also the Node server's own answers to broken requests). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': PAGE_CSP,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
};

export function securityHeaders(options: { onion?: string | undefined }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) h.set(name, value);
    h.delete('Set-Cookie');
    if (options.onion && (h.get('Content-Type') ?? '').startsWith('text/html')) {
      h.set('Onion-Location', options.onion + new URL(c.req.url).pathname);
    }
  };
}
