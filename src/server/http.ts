// HTTP plumbing shared by every route: stable error answers (DESIGN promise 10: a 4xx with a
// stable code and no echo of the input) and security headers (promise 9). What is logged about
// requests, and when, is request-log.ts's job (promise 2).

import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
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

/**
 * Turns any error into an answer. Only ApiError texts reach the client; others become 500 and
 * are reported through `problem` (RequestLog.problem: a line now for staff routes, the bucket's
 * summary for resident routes).
 */
export function handleError(problem: (c: Context<Env>, text: string) => void) {
  return (err: Error, c: Context<Env>): Response => {
    if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.extra);
    // A library's message may quote the input, so only the error's class and the place it was
    // thrown are reported.
    const where = (err.stack ?? '').split('\n').find((l) => l.trim().startsWith('at ')) ?? '';
    problem(c, `internal error: ${err.name} ${where.trim()}`);
    return errorResponse(c, 500, 'internal', 'The server could not complete this request.');
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

export function securityHeaders(options: { onion?: string | undefined }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('Cache-Control', 'no-store');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Content-Security-Policy', PAGE_CSP);
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    h.set('Cross-Origin-Embedder-Policy', 'require-corp');
    h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()');
    h.delete('Set-Cookie');
    if (options.onion && (h.get('Content-Type') ?? '').startsWith('text/html')) {
      h.set('Onion-Location', options.onion + new URL(c.req.url).pathname);
    }
  };
}
