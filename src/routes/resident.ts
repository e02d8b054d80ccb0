// Resident API (DESIGN "Flows: Tip"): the public config, proof-of-work challenges and sealed
// report intake. No handler here reads a header other than Content-Type, nor the client's
// address, nor the query string (promise 2).

import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { issueChallenge } from '../core/pow.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { checkSubmission, maxReportBody, ReportMetaSchema } from '../server/intake.ts';
import { readSealedForm } from '../server/sealed-form.ts';
import { witnessNumbering } from '../server/witness-intake.ts';

const ChallengeRequest = z.object({ purpose: z.enum(['report', 'lookup']) }).strict();

export function jsonLimit(maxSize = 16 * 1024) {
  return bodyLimit({ maxSize, onError: () => { throw new ApiError(413, 'body_too_large', 'The request body is too large.'); } });
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

export function residentRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/config', (c) => c.json(relais.publicConfig));

  app.post('/challenges', jsonLimit(), async (c) => {
    const { purpose } = await readJson(c.req.raw, ChallengeRequest);
    const pow = relais.config.config.proofOfWork;
    const bits = purpose === 'report' ? pow.reportBits : pow.lookupBits;
    const challenge = issueChallenge(relais.secrets.pow, purpose, bits, pow.ttlSeconds, relais.clock());
    return c.json({ challenge, bits, expiresIn: pow.ttlSeconds }, 201);
  });

  app.post(
    '/reports',
    bodyLimit({ maxSize: maxReportBody(relais), onError: () => { throw new ApiError(413, 'body_too_large', 'The report is larger than allowed.'); } }),
    async (c) => {
      const form = await readSealedForm(c.req.raw, ReportMetaSchema);
      const report = await checkSubmission(relais, form, relais.clock());
      const witness = witnessNumbering(relais, report.category);
      const outcome = await relais.store.reports.insert(report, witness?.extra ?? []);
      if (!outcome.ok) throw new ApiError(409, 'pow_replayed', 'This proof of work was already used; ask for a new challenge.');
      return c.json({ ref: outcome.ref, ...(witness ? { witness: witness.number() } : {}) }, 201);
    },
  );

  return app;
}
