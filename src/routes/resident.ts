// Resident API (DESIGN "Flows: Tip"): the public config, proof-of-work challenges and sealed
// report intake. No handler here reads a header other than Content-Type, Content-Length and
// Relais-Pow, nor the client's address, nor the query string (promise 2). A report's proof of
// work is checked before its body is read (promise 10).

import { Hono } from 'hono';
import { z } from 'zod';
import { issueChallenge } from '../core/pow.ts';
import { readJson } from '../server/bodies.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { completeSubmission, maxReportBody, ReportMetaSchema, submissionPlan } from '../server/intake.ts';
import { holdProof } from '../server/proof.ts';
import { readSealedForm } from '../server/sealed-form.ts';
import { witnessNumbering } from '../server/witness-intake.ts';

const ChallengeRequest = z.object({ purpose: z.enum(['report', 'lookup']) }).strict();

export function residentRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/config', (c) => c.json(relais.publicConfig));

  app.post('/challenges', async (c) => {
    const { purpose } = await readJson(c, relais, ChallengeRequest);
    const pow = relais.config.config.proofOfWork;
    const bits = purpose === 'report' ? pow.reportBits : pow.lookupBits;
    const challenge = issueChallenge(relais.secrets.pow, purpose, bits, pow.ttlSeconds, relais.clock());
    return c.json({ challenge, bits, expiresIn: pow.ttlSeconds }, 201);
  });

  const maxBody = maxReportBody(relais);
  app.post('/reports', async (c) => {
    const now = relais.clock();
    const proof = await holdProof(relais, c.req.raw, 'report', relais.config.config.proofOfWork.reportBits, now);
    try {
      const form = await readSealedForm(c, relais, ReportMetaSchema, {
        maxBody,
        tooLarge: 'The report is larger than allowed.',
        plan: (meta) => submissionPlan(relais, meta),
      });
      const report = await completeSubmission(relais, form, proof, now);
      const witness = witnessNumbering(relais, report.category);
      const outcome = await relais.store.reports.insert(report, witness?.extra ?? []);
      if (!outcome.ok && outcome.reason === 'lookup_taken')
        throw new ApiError(409, 'lookup_key_taken', 'This receipt is already in use; make a new one and ask for a new challenge.');
      if (!outcome.ok) throw new ApiError(409, 'pow_replayed', 'This proof of work was already used; ask for a new challenge.');
      return c.json({ ref: outcome.ref, ...(witness ? { witness: witness.number() } : {}) }, 201);
    } catch (e) {
      // Refused for what it carried (4xx): the proof is used up. Busy or failing (5xx): the
      // resident may send it again.
      if (e instanceof ApiError && e.status < 500) proof.refuse();
      throw e;
    } finally {
      proof.release();
    }
  });

  return app;
}
