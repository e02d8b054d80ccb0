// Resident API (DESIGN "Flows: Tip"): the public config, proof-of-work challenges and sealed
// report intake. No handler here reads a header other than Content-Type, nor the client's
// address, nor the query string (promise 2).

import { Hono } from 'hono';
import { z } from 'zod';
import { issueChallenge } from '../core/pow.ts';
import { apiBodyLimit, jsonLimit, readJson } from '../server/bodies.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { checkSubmission, maxReportBody, ReportMetaSchema } from '../server/intake.ts';
import { readSealedForm } from '../server/sealed-form.ts';
import { witnessNumbering } from '../server/witness-intake.ts';

const ChallengeRequest = z.object({ purpose: z.enum(['report', 'lookup']) }).strict();

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

  app.post('/reports', apiBodyLimit(maxReportBody(relais), 'The report is larger than allowed.'), async (c) => {
    const form = await readSealedForm(c.req.raw, ReportMetaSchema);
    const report = await checkSubmission(relais, form, relais.clock());
    const witness = witnessNumbering(relais, report.category);
    const outcome = await relais.store.reports.insert(report, witness?.extra ?? []);
    if (!outcome.ok) throw new ApiError(409, 'pow_replayed', 'This proof of work was already used; ask for a new challenge.');
    return c.json({ ref: outcome.ref, ...(witness ? { witness: witness.number() } : {}) }, 201);
  });

  return app;
}
