// Request bodies for the JSON API (DESIGN promise 10): a size limit checked before the body is
// read, and small JSON bodies parsed against a schema. Every refusal is a 4xx with a stable code
// and no echo of the input.

import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { ApiError } from './http.ts';

/** Refuses a body over `maxSize` bytes with 413 body_too_large, before reading it. */
export function apiBodyLimit(maxSize: number, message = 'The request body is too large.') {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'body_too_large', message);
    },
  });
}

export function jsonLimit(maxSize = 16 * 1024) {
  return apiBodyLimit(maxSize);
}

/** Parses a small JSON body against a schema; any failure is a 400 without echo. */
export async function readJson<T>(req: Request, schema: z.ZodType<T>): Promise<T> {
  if (!(req.headers.get('Content-Type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send application/json.');
  }
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new ApiError(400, 'malformed_json', 'The body is not valid JSON.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, 'bad_request', 'The body does not have the expected fields.');
  return parsed.data;
}
