// Reads a multipart body of sealed parts: a `meta` JSON field checked against a schema, and files
// `part-0` … `part-N`, one per entry of meta.parts, nothing else. Used for new reports, residents'
// follow-up messages and staff replies. Every refusal is a 4xx without echo (DESIGN promise 10).

import type { z } from 'zod';
import { ApiError } from './http.ts';

const META_MAX_BYTES = 16 * 1024;

export interface SealedForm<M> {
  meta: M;
  parts: Uint8Array[];
}

export async function readSealedForm<S extends z.ZodType<{ parts: string[] }>>(req: Request, schema: S): Promise<SealedForm<z.infer<S>>> {
  if (!(req.headers.get('Content-Type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send multipart/form-data.');
  }
  let form: FormData;
  try {
    form = await req.formData();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, 'malformed_body', 'The body is not valid multipart/form-data.');
  }
  const metaField = form.get('meta');
  if (typeof metaField !== 'string' || metaField.length > META_MAX_BYTES)
    throw new ApiError(400, 'meta_invalid', 'The meta field is missing or too long.');
  let metaJson: unknown;
  try {
    metaJson = JSON.parse(metaField);
  } catch {
    throw new ApiError(400, 'meta_invalid', 'The meta field is not JSON.');
  }
  const parsed = schema.safeParse(metaJson);
  if (!parsed.success) throw new ApiError(400, 'meta_invalid', 'The meta field does not have the expected shape.');
  const meta = parsed.data;
  const names = new Set(['meta', ...meta.parts.map((_, i) => `part-${i}`)]);
  for (const key of form.keys()) {
    if (!names.has(key)) throw new ApiError(400, 'unexpected_field', 'The body has a field that is not expected.');
  }
  const parts: Uint8Array[] = [];
  for (let i = 0; i < meta.parts.length; i++) {
    const values = form.getAll(`part-${i}`);
    const file = values[0];
    if (values.length !== 1 || typeof file === 'string' || file === undefined)
      throw new ApiError(400, 'part_missing', 'A part is missing or is not a file.', { part: i });
    parts.push(new Uint8Array(await file.arrayBuffer()));
  }
  return { meta, parts };
}
