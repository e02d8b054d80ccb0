// Reads a multipart body of sealed parts as a stream (DESIGN promise 10): first a `meta` JSON field
// (at most 16 KB) checked against a schema, then the route's checks of the meta (roles, config,
// category, whom the parts must be sealed to) before any part is read, then files `part-0` …
// `part-N` in order, one per entry of meta.parts, each refused as soon as it passes its own cap
// and checked from its first bytes on (its recipients) and whole once it has arrived, then the
// end of the body. It stops at the first failure,
// so a bad body is never read further. Used for new reports, residents' follow-up messages, staff
// replies and disclosures. Every refusal is a 4xx without echo.

import type { Context } from 'hono';
import type { z } from 'zod';
import { admitBody } from './bodies.ts';
import type { Env, Relais } from './context.ts';
import { ApiError } from './http.ts';
import { MultipartError, MultipartReader, multipartBoundary } from './multipart.ts';

const META_MAX_BYTES = 16 * 1024;

export interface SealedForm<M> {
  meta: M;
  parts: Uint8Array[];
}

/** What the route decides from the meta, before any part is read. */
export interface PartPlan {
  /** the largest sealed size part `index` may have */
  maxBytes(index: number): number;
  /** checks part `index` as soon as it has arrived (throws ApiError) */
  check?(index: number, bytes: Uint8Array): void;
  /** checks part `index` from its first bytes, while they arrive: true once decided (throws ApiError) */
  probe?(index: number, prefix: Uint8Array): boolean;
}

export interface SealedFormOptions<M> {
  /** the largest whole body */
  maxBody: number;
  tooLarge: string;
  plan: (meta: M) => PartPlan | Promise<PartPlan>;
}

/** Refuses anything but multipart/form-data with a boundary, before the body is admitted. */
export function requireMultipart(req: Request): string {
  const boundary = multipartBoundary(req.headers.get('Content-Type'));
  if (!(req.headers.get('Content-Type') ?? '').toLowerCase().startsWith('multipart/form-data'))
    throw new ApiError(415, 'unsupported_media_type', 'Send multipart/form-data.');
  if (!boundary) throw new ApiError(400, 'malformed_body', 'The body is not valid multipart/form-data.');
  return boundary;
}

export function multipartRefusal(e: unknown, part?: number): unknown {
  if (!(e instanceof MultipartError)) return e;
  if (e.problem === 'part_too_large')
    return new ApiError(413, 'part_too_large', 'A part is larger than allowed.', part === undefined ? {} : { part });
  if (e.problem === 'body_too_large') return new ApiError(413, 'body_too_large', 'The request body is too large.');
  return new ApiError(400, 'malformed_body', 'The body is not valid multipart/form-data.');
}

export async function readSealedForm<S extends z.ZodType<{ parts: string[] }>>(
  c: Context<Env>,
  relais: Relais,
  schema: S,
  options: SealedFormOptions<z.infer<S>>,
): Promise<SealedForm<z.infer<S>>> {
  const boundary = requireMultipart(c.req.raw);
  const reader = new MultipartReader(admitBody(c, relais, options.maxBody, options.tooLarge), boundary, options.maxBody);
  let index: number | undefined;
  try {
    const first = await reader.next();
    if (first?.name !== 'meta' || first.filename !== null)
      throw new ApiError(400, 'meta_invalid', 'The meta field is missing or does not come first.');
    let metaJson: unknown;
    try {
      metaJson = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await reader.read(META_MAX_BYTES)));
    } catch (e) {
      if (e instanceof MultipartError && e.problem !== 'part_too_large') throw e;
      throw new ApiError(400, 'meta_invalid', 'The meta field is too long or not JSON.');
    }
    const parsed = schema.safeParse(metaJson);
    if (!parsed.success) throw new ApiError(400, 'meta_invalid', 'The meta field does not have the expected shape.');
    const meta = parsed.data;
    const plan = await options.plan(meta);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < meta.parts.length; i++) {
      index = i;
      const head = await reader.next();
      if (!head || head.name !== `part-${i}` || head.filename === null) {
        const expected = head && /^part-[0-9]{1,2}$/.test(head.name) && Number(head.name.slice(5)) < meta.parts.length;
        if (head && !expected) throw new ApiError(400, 'unexpected_field', 'The body has a field that is not expected.');
        throw new ApiError(400, 'part_missing', 'A part is missing, out of order or not a file.', { part: i });
      }
      const probe = plan.probe;
      const bytes = await reader.read(plan.maxBytes(i), probe ? (prefix) => probe(i, prefix) : undefined);
      plan.check?.(i, bytes);
      parts.push(bytes);
    }
    index = undefined;
    if ((await reader.next()) !== null) throw new ApiError(400, 'unexpected_field', 'The body has a field that is not expected.');
    return { meta, parts };
  } catch (e) {
    throw multipartRefusal(e, index);
  } finally {
    reader.release();
  }
}
