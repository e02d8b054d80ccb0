// Casework on many reports at once (issue 15 §1): assign a report to a member of one of your
// inboxes it was routed to, and change the status of up to 200 reports in one step. Each change
// is written in one batch with its audit entry (DESIGN promise 7); a report you do not see
// through the main audience answers 404 like one that does not exist (promise 8), and then
// nothing at all is written.

import { Hono } from 'hono';
import { z } from 'zod';
import { REPORT_REF_PATTERN } from '../core/refs.ts';
import { requireStaff } from '../server/auth.ts';
import { readJson } from '../server/bodies.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import type { Statement } from '../store/driver.ts';
import { checkRef } from './officer.ts';

const inboxId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const AssignBody = z
  .object({
    inbox: inboxId,
    member: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .nullable(),
  })
  .strict();
const BulkStatusBody = z
  .object({
    refs: z.array(z.string().regex(REPORT_REF_PATTERN)).min(1).max(200),
    status: z.enum(['received', 'in-progress', 'closed']),
  })
  .strict();

export function officerCaseworkRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const staff = requireStaff(relais, ['officer', 'custodian']);

  app.put('/:ref/assignee', staff, async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const { member } = c.get('staff');
    const body = await readJson(c, relais, AssignBody);
    // An assignment is a staff write: a report still staged moves to the main tables first.
    if (member.inboxes.includes(body.inbox) && (await relais.store.reports.audiences(ref, [body.inbox])).length > 0)
      await relais.store.settle(ref);
    const routed = member.inboxes.includes(body.inbox) ? await relais.store.reportList.assignees(ref, [body.inbox]) : {};
    if (!(body.inbox in routed)) throw new ApiError(404, 'not_found', 'No such report.');
    const inbox = relais.config.inboxes.get(body.inbox);
    if (body.member !== null && !inbox?.members.some((m) => m.id === body.member))
      throw new ApiError(422, 'assignee_invalid', 'A report is assigned to a member of the inbox.');
    await relais.store.batch([
      relais.store.reportList.assignStatement(ref, body.inbox, body.member),
      relais.audit.statement({
        action: 'report.assigned',
        actor: `member:${member.id}`,
        report: ref,
        inbox: body.inbox,
        details: { member: body.member },
      }),
    ]);
    return c.json({ ok: true });
  });

  app.post('/status', staff, async (c) => {
    const { member } = c.get('staff');
    const body = await readJson(c, relais, BulkStatusBody);
    const refs = [...new Set(body.refs)];
    for (const ref of refs)
      if (!(await relais.store.reports.audiences(ref, member.inboxes)).includes('main'))
        throw new ApiError(404, 'not_found', 'One of these reports does not exist.');
    const at = Math.floor(relais.clock() / 1000);
    const statements: Statement[] = [];
    for (const ref of refs) await relais.store.settle(ref);
    for (const ref of refs) {
      const { statements: rows } = await relais.store.messages.appendStatements(ref, [
        { author: 'staff', memberId: member.id, kind: 'status', status: body.status, at, bytes: null },
      ]);
      statements.push(
        ...rows,
        relais.store.reports.setStatusStatement(ref, body.status),
        relais.audit.statement({
          action: 'report.status',
          actor: `member:${member.id}`,
          report: ref,
          details: { status: body.status, bulk: true },
        }),
      );
    }
    await relais.store.batch(statements);
    return c.json({ ok: true, changed: refs.length });
  });

  return app;
}
