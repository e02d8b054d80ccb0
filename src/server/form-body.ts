// The bodies of the no-JavaScript forms (DESIGN promises 9 and 10). Such a browser cannot solve a
// proof of work; its forms carry a single-use form token instead, and the whole server takes a few
// of them a minute. A form of text fields is read whole only within a small cap (it is small);
// a report form with files is read as a stream: its text fields first, then — before the first
// byte of any file — the route's admission (form token and cap, src/routes/page-kit.ts), then each
// file within its own cap. Either way the body is admitted by the body gate first
// (src/server/bodies.ts). Every failure is a value for the route to turn into a page.

import type { Context } from 'hono';
import { admitBody, readAll } from './bodies.ts';
import type { Env, Relais } from './context.ts';
import { ApiError } from './http.ts';
import { MultipartError, MultipartReader, multipartBoundary } from './multipart.ts';

/**
 * Why a form could not be read: not a form, too large, one file too large, too many files, the
 * server busy, or the client stalled.
 */
export type FormProblem = 'malformed' | 'too_large' | 'file_too_large' | 'too_many_files' | 'busy' | 'timeout';

export class FormError extends Error {
  constructor(
    readonly problem: FormProblem,
    /** file_too_large: the file's position among the form's non-empty files */
    readonly file = 0,
  ) {
    super(problem);
  }
}

function problemOf(e: unknown): FormProblem | null {
  if (e instanceof MultipartError) return e.problem === 'malformed' ? 'malformed' : 'too_large';
  if (e instanceof ApiError) {
    if (e.status === 413) return 'too_large';
    if (e.status === 503) return 'busy';
    if (e.status === 408) return 'timeout';
    return 'malformed';
  }
  return null;
}

/** Runs `read`, turning refusals of the body into a FormError. */
async function asForm<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    const problem = problemOf(e);
    throw problem ? new FormError(problem) : e;
  }
}

/** UTF-8 text of a field; a form that is not UTF-8 is not one of ours. */
function utf8Text(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormError('malformed');
  }
}

/** A url-encoded or multipart form of text fields (the first value of each), at most `max` bytes. */
export async function readTextForm(c: Context<Env>, relais: Relais, max: number): Promise<Record<string, string>> {
  const fields: Record<string, string> = Object.create(null);
  for (const [k, values] of Object.entries(await readTextFields(c, relais, max))) fields[k] = values[0] as string;
  return fields;
}

/** Every value of every text field of a url-encoded or multipart form, at most `max` bytes. */
export function readTextFields(c: Context<Env>, relais: Relais, max: number): Promise<Record<string, string[]>> {
  return asForm(async () => {
    const type = (c.req.header('Content-Type') ?? '').toLowerCase();
    // No prototype: a field named __proto__ or constructor is a field like any other.
    const fields: Record<string, string[]> = Object.create(null);
    const add = (k: string, v: string) => {
      if (Object.hasOwn(fields, k)) fields[k]?.push(v);
      else fields[k] = [v];
    };
    if (type.startsWith('application/x-www-form-urlencoded')) {
      const text = utf8Text(await readAll(admitBody(c, relais, max)));
      for (const [k, v] of new URLSearchParams(text)) add(k, v);
      return fields;
    }
    const boundary = multipartBoundary(c.req.header('Content-Type') ?? null);
    if (!boundary) throw new FormError('malformed');
    const reader = new MultipartReader(admitBody(c, relais, max), boundary, max);
    try {
      for (let head = await reader.next(); head; head = await reader.next()) {
        const value = await reader.read(max, undefined, head.filename !== null);
        if (head.filename === null) add(head.name, utf8Text(value));
      }
    } finally {
      reader.release();
    }
    return fields;
  });
}

export interface FilesFormOptions<A> {
  /** the text fields, together */
  maxFields: number;
  maxFile: number;
  maxFiles: number;
  maxBody: number;
  /** decides on the text fields seen before the first file (or the end), before any file is read */
  admit: (fields: Record<string, string>) => A | Promise<A>;
}

/**
 * A multipart form of text fields and files (`files`, empty ones skipped): text fields first,
 * then `admit` — whose result is returned, unread files and all, if it is a refusal (a Response) —
 * then the files and the fields after them.
 */
export function readFilesForm<A>(
  c: Context<Env>,
  relais: Relais,
  options: FilesFormOptions<A>,
): Promise<{ admitted: A; fields: Record<string, string>; files: Uint8Array[] }> {
  return asForm(async () => {
    const boundary = multipartBoundary(c.req.header('Content-Type') ?? null);
    if (!boundary) throw new FormError('malformed');
    const reader = new MultipartReader(admitBody(c, relais, options.maxBody), boundary, options.maxBody);
    const fields: Record<string, string> = {};
    const files: Uint8Array[] = [];
    let fieldBytes = 0;
    let admitted: { value: A } | null = null;
    try {
      for (let head = await reader.next(); head; head = await reader.next()) {
        if (head.filename === null) {
          const value = await reader.read(options.maxFields - fieldBytes);
          fieldBytes += value.length;
          if (!(head.name in fields)) fields[head.name] = utf8Text(value);
          continue;
        }
        if (!admitted) {
          admitted = { value: await options.admit(fields) };
          if (admitted.value instanceof Response) return { admitted: admitted.value, fields, files };
        }
        if (head.name !== 'files') throw new FormError('malformed');
        const bytes = await reader.read(options.maxFile).catch((e: unknown) => {
          throw e instanceof MultipartError && e.problem === 'part_too_large' ? new FormError('file_too_large', files.length) : e;
        });
        if (bytes.length === 0) continue;
        if (files.length >= options.maxFiles) throw new FormError('too_many_files');
        files.push(bytes);
      }
      admitted ??= { value: await options.admit(fields) };
      return { admitted: admitted.value, fields, files };
    } catch (e) {
      for (const f of files) f.fill(0);
      throw e;
    } finally {
      reader.release();
    }
  });
}
