// Officer and custodian API (DESIGN "Officer session", promise 8): list the reports routed to
// your inboxes, see one, fetch its sealed parts. A report routed elsewhere answers exactly like a
// report that does not exist (404). Every fetch of sealed content is written to the audit log
// before the bytes are sent, and so is every read of a report's details (src/server/staff-log.ts).
// A fetch marks the report read for that member, unless the client asks `?keepUnread=1` and marks
// it read itself once it has saved what it fetched (`relais pull`, PUT /:ref/read), so a report
// that could not be saved stays unread (issue 14).

import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditAction } from '../core/audit-entry.ts';
import { REPORT_REF_PATTERN } from '../core/refs.ts';
import { LIST_SORTS, LIST_VIEWS, normaliseSearch } from '../store/report-list.ts';
import type { Audience, PartRole } from '../store/reports.ts';
import { requireStaff } from '../server/auth.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { membersOf } from '../server/sealed-parts.ts';
import { staffRead } from '../server/staff-log.ts';

const ListQuery = z
  .object({
    category: z
      .string()
      .regex(/^[a-z0-9-]{1,63}$/)
      .optional(),
    status: z.enum(['received', 'in-progress', 'closed']).optional(),
    unread: z.enum(['1']).optional(),
    view: z.enum(LIST_VIEWS).optional(),
    sort: z.enum(LIST_SORTS).optional(),
    q: z.string().max(40).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    perPage: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const PART_AUDIENCE: Record<PartRole, Audience> = { report: 'main', attachment: 'main', identity: 'identity' };
const PART_ACTION: Record<PartRole, AuditAction> = {
  report: 'report.read',
  attachment: 'attachment.download',
  identity: 'witness.identity.read',
};

/** `?keepUnread=1`, or no query at all; anything else is refused. */
export function keepUnread(query: Record<string, string>): boolean {
  const keys = Object.keys(query);
  if (keys.length === 0) return false;
  if (keys.length === 1 && query.keepUnread === '1') return true;
  throw new ApiError(400, 'bad_query', 'The query parameters are not valid.');
}

export function checkRef(ref: string): string {
  if (!REPORT_REF_PATTERN.test(ref)) throw new ApiError(404, 'not_found', 'No such report.');
  return ref;
}

export function officerRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  // Per route, not app.use('*'): POST /api/v1/reports (resident intake) shares this prefix.
  const staff = requireStaff(relais, ['officer', 'custodian']);

  app.get('/', staff, async (c) => {
    const parsed = ListQuery.safeParse(c.req.query());
    if (!parsed.success) throw new ApiError(400, 'bad_query', 'The query parameters are not valid.');
    const q = parsed.data;
    const search = q.q === undefined ? undefined : normaliseSearch(q.q);
    // The search text is never logged nor echoed: only that a search was made.
    if (search === null)
      throw new ApiError(400, 'bad_query', 'Search by a reference (R-…) or a witness number (W-…), at least 4 characters.');
    const { member } = c.get('staff');
    await relais.audit.append({
      action: 'report.list',
      actor: `member:${member.id}`,
      details: {
        page: q.page,
        ...(q.category ? { category: q.category } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.unread ? { unread: true } : {}),
        ...(q.view ? { view: q.view } : {}),
        ...(q.sort ? { sort: q.sort } : {}),
        ...(search ? { search: search.kind } : {}),
      },
    });
    const { total, totalCapped, reports } = await relais.store.reportList.list({
      inboxIds: member.inboxes,
      memberId: member.id,
      ...(q.category ? { category: q.category } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.view ? { view: q.view } : {}),
      ...(q.sort ? { sort: q.sort } : {}),
      ...(search ? { search } : {}),
      unreadOnly: q.unread === '1',
      limit: q.perPage,
      offset: (q.page - 1) * q.perPage,
    });
    return c.json({ total, totalCapped, page: q.page, perPage: q.perPage, reports });
  });

  app.get('/:ref', staff, async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const { member } = c.get('staff');
    const audiences = await relais.store.reports.audiences(ref, member.inboxes);
    const report = audiences.length > 0 ? await relais.store.reports.get(ref) : null;
    if (!report) throw new ApiError(404, 'not_found', 'No such report.');
    const main = audiences.includes('main');
    await staffRead(relais, c, { action: 'report.detail', report: ref, details: { audiences: [...audiences].sort() } });
    return c.json({
      ref: report.ref,
      category: report.category,
      receivedBucket: report.receivedBucket,
      status: report.status,
      // a witness request's number, under which investigators and custodians know the witness
      witness: await relais.store.witnesses.numberOf(ref),
      parts: report.parts.filter((p) => audiences.includes(PART_AUDIENCE[p.role])),
      // The conversation and the keys to seal replies to are for the main audience only.
      messages: main ? await relais.store.messages.list(ref, ['message', 'status', 'note', 'attachment']) : [],
      // the last message this member had opened, so the console can mark the newer ones
      seenUpTo: main ? await relais.store.reportList.seenUpTo(ref, member.id) : -1,
      // per inbox of yours it was routed to: who it is assigned to, and who it may be assigned to
      assignees: await relais.store.reportList.assignees(ref, member.inboxes),
      inboxMembers: Object.fromEntries(
        (await relais.store.reports.routes(ref, audiences.includes('main') ? 'main' : 'identity'))
          .filter((id) => member.inboxes.includes(id))
          .map((id) => {
            const inbox = relais.config.inboxes.get(id);
            return [id, { name: inbox?.name ?? id, members: (inbox?.members ?? []).map((m) => ({ id: m.id, name: m.name })) }];
          }),
      ),
      replyKey: main ? report.replyPublicKey : null,
      inboxKeys: main ? membersOf(relais.config, await relais.store.reports.routes(ref, 'main')).members.map((m) => m.armored) : [],
    });
  });

  app.get('/:ref/parts/:idx', staff, async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const idxText = c.req.param('idx');
    if (!/^[0-9]{1,3}$/.test(idxText)) throw new ApiError(404, 'not_found', 'No such part.');
    const idx = Number(idxText);
    const unread = keepUnread(c.req.query());
    const { member } = c.get('staff');
    const audiences = await relais.store.reports.audiences(ref, member.inboxes);
    const report = audiences.length > 0 ? await relais.store.reports.get(ref) : null;
    if (!report) throw new ApiError(404, 'not_found', 'No such report.');
    const part = report.parts.find((p) => p.idx === idx);
    if (!part || !audiences.includes(PART_AUDIENCE[part.role])) throw new ApiError(404, 'not_found', 'No such part.');
    const bytes = await relais.store.reports.partBytes(ref, idx);
    if (!bytes) throw new ApiError(404, 'not_found', 'No such part.');
    // The read mark is a staff write: a staged report moves to the main tables first.
    await relais.store.settle(ref);
    await relais.store.batch([
      relais.audit.statement({ action: PART_ACTION[part.role], actor: `member:${member.id}`, report: ref, details: { part: idx } }),
      ...(unread ? [] : [relais.store.reports.markReadStatement(ref, member.id)]),
    ]);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream' });
  });

  // The client saved the report: it is read for this member.
  app.put('/:ref/read', staff, async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const { member } = c.get('staff');
    if ((await relais.store.reports.audiences(ref, member.inboxes)).length === 0) throw new ApiError(404, 'not_found', 'No such report.');
    // Read, and its conversation seen up to its last message.
    const last = (await relais.store.messages.list(ref, ['message', 'status', 'note', 'attachment'])).at(-1);
    // A staff write: a staged report moves to the main tables first.
    await relais.store.settle(ref);
    await relais.store.batch([
      relais.store.reports.markReadStatement(ref, member.id),
      ...(last ? [relais.store.reportList.seenStatement(ref, member.id, last.idx)] : []),
      relais.audit.statement({ action: 'report.seen', actor: `member:${member.id}`, report: ref }),
    ]);
    return c.body(null, 204);
  });

  return app;
}
