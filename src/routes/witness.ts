// The custodians' view of witness requests (DESIGN promise 6): the requests whose identity was
// routed to their custody inboxes, by W- number, and for one witness what a disclosure needs —
// the identity part to decrypt (fetched through /api/v1/reports/:ref/parts/:idx, logged), the
// custodians' keys for the review copy, the police inboxes it may go to with their members' keys,
// and its disclosures so far. A witness held by another custody inbox answers like a missing one.
// The list and every witness's details are logged before they are served, and so is every
// refused attempt (src/server/staff-log.ts).

import { Hono } from 'hono';
import { z } from 'zod';
import { WITNESS_NUMBER_PATTERN } from '../core/witness-number.ts';
import { requireStaff } from '../server/auth.ts';
import type { Env, Relais } from '../server/context.ts';
import { custodiansOf, disclosureTargets, isCustodianOf } from '../server/disclosure-checks.ts';
import { ApiError } from '../server/http.ts';
import { membersOf } from '../server/sealed-parts.ts';
import { logRefusals, staffRead } from '../server/staff-log.ts';
import { disclosureView } from './disclosure.ts';

const ListQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    perPage: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export function witnessRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const custodian = requireStaff(relais, ['custodian']);
  app.use('*', logRefusals(relais));

  app.get('/', custodian, async (c) => {
    const parsed = ListQuery.safeParse(c.req.query());
    if (!parsed.success) throw new ApiError(400, 'bad_query', 'The query parameters are not valid.');
    const { page, perPage } = parsed.data;
    const { member } = c.get('staff');
    await relais.audit.append({ action: 'report.list', actor: `member:${member.id}`, details: { page, witnesses: true } });
    const { total, witnesses } = await relais.store.witnesses.list({
      inboxIds: member.inboxes,
      limit: perPage,
      offset: (page - 1) * perPage,
    });
    return c.json({ total, page, perPage, witnesses });
  });

  app.get('/:number', custodian, async (c) => {
    const number = c.req.param('number');
    const { member } = c.get('staff');
    const ref = WITNESS_NUMBER_PATTERN.test(number) ? await relais.store.witnesses.refOf(number) : null;
    const report =
      ref && isCustodianOf(member, await relais.store.reports.routes(ref, 'identity')) ? await relais.store.reports.get(ref) : null;
    if (!ref || !report) throw new ApiError(404, 'not_found', 'No such witness.');
    const targets = (await disclosureTargets(relais, ref)).map((id) => ({
      id,
      name: relais.config.inboxes.get(id)?.name ?? id,
      keys: membersOf(relais.config, [id]).members.map((m) => m.armored),
      // a custodian who sits in that inbox may not ask for a disclosure to it
      allowed: !member.inboxes.includes(id),
    }));
    await staffRead(relais, c, { action: 'witness.detail', report: ref, details: { witness: number } });
    return c.json({
      number,
      ref,
      category: report.category,
      receivedBucket: report.receivedBucket,
      status: report.status,
      identityPart: report.parts.find((p) => p.role === 'identity')?.idx ?? null,
      custodianKeys: (await custodiansOf(relais, ref)).map((m) => m.armored),
      targets,
      disclosures: (await relais.store.disclosures.listForCustody(member.inboxes, { witness: number })).map((d) =>
        disclosureView(relais, d),
      ),
    });
  });

  return app;
}
