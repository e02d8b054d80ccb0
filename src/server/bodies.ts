// Request bodies (DESIGN promise 10): a body is read only after the route's cheap checks (proof
// of work, token, session), only if its declared size is within the route's limit (413 before a
// byte is read), only with a slot of the body gate (503 server_busy past it), and only as a
// stream with a hard cap (413 as soon as it passes) and an idle timeout (408 when the client
// stalls, BodyGate.idleMs). Small JSON bodies are then parsed against a schema. Every refusal is a 4xx (or 503)
// with a stable code and no echo of the input.

import type { Context } from 'hono';
import type { z } from 'zod';
import { BUSY_RETRY_SECONDS } from './body-gate.ts';
import type { Env, Relais } from './context.ts';
import { ApiError } from './http.ts';

export const JSON_MAX_BYTES = 16 * 1024;
/**
 * Bodies capped at this size (JSON: challenges, logins, lookups, decisions) take no slot of the
 * gate, so that a flood of uploads never stops them; the cap on connections bounds them.
 */
export const SMALL_BODY_MAX = 64 * 1024;

/** The declared Content-Length, or null for a body without one (chunked). */
export function declaredLength(req: Request): number | null {
  const text = req.headers.get('Content-Length');
  if (text === null) return null;
  if (!/^[0-9]{1,15}$/.test(text.trim())) throw new ApiError(400, 'bad_request', 'The Content-Length header is not valid.');
  return Number(text.trim());
}

/** Refuses a declared size over `max` before anything is read; returns the size to reserve. */
export function checkDeclaredSize(req: Request, max: number, tooLarge: string): number {
  const declared = declaredLength(req);
  if (declared !== null && declared > max) throw new ApiError(413, 'body_too_large', tooLarge);
  return declared ?? max;
}

function guarded(source: ReadableStream<Uint8Array> | null, cap: number, idleMs: number, tooLarge: string): ReadableStream<Uint8Array> {
  const reader = source?.getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!reader) return controller.close();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stalled = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ApiError(408, 'body_timeout', 'The request body stopped arriving.')), idleMs);
        });
        try {
          const { done, value } = await Promise.race([
            reader.read().catch(() => {
              // The runtime could not read the body (broken chunked framing, a client gone).
              throw new ApiError(400, 'malformed_body', 'The request body could not be read.');
            }),
            stalled,
          ]);
          if (done) return controller.close();
          total += value.length;
          if (total > cap) throw new ApiError(413, 'body_too_large', tooLarge);
          controller.enqueue(value);
        } catch (e) {
          controller.error(e);
        } finally {
          clearTimeout(timer);
        }
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Admits the request's body: its declared size within `max` (413), then, unless it is small, a
 * slot of the body gate (503), held until the request has been answered. Returns the body as a
 * capped, timed stream.
 */
export function admitBody(
  c: Context<Env>,
  relais: Relais,
  max: number,
  tooLarge = 'The request body is too large.',
): ReadableStream<Uint8Array> {
  const req = c.req.raw;
  const reserve = checkDeclaredSize(req, max, tooLarge);
  if (max <= SMALL_BODY_MAX) return guarded(req.body, reserve, relais.bodies.idleMs, tooLarge);
  const release = relais.bodies.tryEnter(reserve);
  if (!release) {
    throw new ApiError(503, 'server_busy', 'The server is receiving too much at once; try again in a few seconds.', {
      retryAfter: BUSY_RETRY_SECONDS,
    });
  }
  c.get('releaseBody')?.();
  c.set('releaseBody', release);
  return guarded(req.body, Math.min(reserve, max), relais.bodies.idleMs, tooLarge);
}

/** Reads a whole admitted stream (already capped). */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Parses a small JSON body against a schema; any failure is a 4xx without echo. */
export async function readJson<T>(c: Context<Env>, relais: Relais, schema: z.ZodType<T>, max = JSON_MAX_BYTES): Promise<T> {
  if (!(c.req.header('Content-Type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send application/json.');
  }
  const bytes = await readAll(admitBody(c, relais, max));
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ApiError(400, 'malformed_json', 'The body is not valid JSON.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, 'bad_request', 'The body does not have the expected fields.');
  return parsed.data;
}
