// Staff side of the conversation (DESIGN "Flows: Follow-up", issue "officer replies"): an officer
// of an inbox the report was routed to reads the messages, replies (sealed to the resident's reply
// key and to the inbox members), sets the status the resident sees with a short explanation, and
// writes internal notes sealed to the inbox members only. Every read and every write is in the
// audit log, in the same batch as the write.

import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditAction } from '../core/audit-entry.ts';
import type { MessageKind, NewMessage } from '../store/messages.ts';
import type { Statement } from '../store/driver.ts';
import { requireStaff } from '../server/auth.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { readSealedForm } from '../server/sealed-form.ts';
import { expectedMembers, expectedResident, maxMessageBody, maxSealedSize, membersOf, sealedPartsPlan } from '../server/sealed-parts.ts';
import { checkRef, keepUnread } from './officer.ts';

const ReplyMeta = z
  .object({
    status: z.enum(['received', 'in-progress', 'closed']).optional(),
    parts: z.array(z.enum(['message', 'note', 'attachment'])).max(21),
  })
  .strict();

const READ_ACTION: Record<MessageKind, AuditAction> = {
  message: 'report.read',
  status: 'report.read',
  note: 'report.read',
  attachment: 'attachment.download',
};

export function officerMessageRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const staff = requireStaff(relais, ['officer', 'custodian']);
  const { config } = relais.config;

  /** The report, if the member sees it through the main audience; 404 otherwise. */
  async function mainReport(ref: string, inboxes: string[]) {
    const audiences = await relais.store.reports.audiences(ref, inboxes);
    const report = audiences.includes('main') ? await relais.store.reports.get(ref) : null;
    if (!report) throw new ApiError(404, 'not_found', 'No such report.');
    return report;
  }

  app.get('/:ref/messages/:idx', staff, async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const { member } = c.get('staff');
    await mainReport(ref, member.inboxes);
    const idxText = c.req.param('idx');
    const message = /^[0-9]{1,6}$/.test(idxText) ? await relais.store.messages.get(ref, Number(idxText)) : null;
    if (!message?.bytes) throw new ApiError(404, 'not_found', 'No such message.');
    await relais.store.settle(ref);
    const unread = keepUnread(c.req.query());
    await relais.store.batch([
      relais.audit.statement({
        action: READ_ACTION[message.kind],
        actor: `member:${member.id}`,
        report: ref,
        details: { message: message.idx },
      }),
      ...(unread
        ? []
        : [relais.store.reports.markReadStatement(ref, member.id), relais.store.reportList.seenStatement(ref, member.id, message.idx)]),
    ]);
    return c.body(message.bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream' });
  });

  const maxBody = maxMessageBody(config.limits);
  app.post('/:ref/messages', staff, async (c) => {
    const ref = checkRef(c.req.param('ref'));
    const { member } = c.get('staff');
    const report = await mainReport(ref, member.inboxes);
    const now = relais.clock();
    const { meta, parts } = await readSealedForm(c, relais, ReplyMeta, {
      maxBody,
      tooLarge: 'The message is larger than allowed.',
      plan: async (meta) => {
        const [first, ...rest] = meta.parts;
        if (first === undefined && !meta.status) throw new ApiError(422, 'parts_invalid', 'Send a message, a note or a status.');
        if (first === 'attachment' || rest.some((p) => p !== 'attachment'))
          throw new ApiError(422, 'parts_invalid', 'One message or note first, then attachments.');
        if (first === 'note' && (rest.length > 0 || meta.status))
          throw new ApiError(
            422,
            'parts_invalid',
            'A note has no attachments and no status: a status explanation is a message the resident reads.',
          );
        if (rest.length > config.limits.maxAttachments)
          throw new ApiError(422, 'too_many_attachments', `At most ${config.limits.maxAttachments} attachments.`);
        const members = expectedMembers(membersOf(relais.config, await relais.store.reports.routes(ref, 'main')).members);
        if (first === 'message' && !report.replyPublicKey)
          throw new ApiError(422, 'resident_unreachable', 'This report has no reply key: the resident cannot receive messages.');
        const expected =
          first === 'message' ? [...members, await expectedResident(report.replyPublicKey as string, new Date(now))] : members;
        const maxBytes = (i: number) =>
          maxSealedSize(meta.parts[i] === 'attachment' ? config.limits.maxAttachmentBytes : config.limits.maxTextBytes, expected.length);
        return sealedPartsPlan(maxBytes, () => expected);
      },
    });
    const [first, ...rest] = meta.parts;

    const at = Math.floor(now / 1000);
    const rows: NewMessage[] = meta.parts.map((role, i) => ({
      author: 'staff',
      memberId: member.id,
      kind: i === 0 && meta.status ? 'status' : role,
      status: i === 0 && meta.status ? meta.status : null,
      at,
      bytes: parts[i] as Uint8Array,
    }));
    if (rows.length === 0 && meta.status)
      rows.push({ author: 'staff', memberId: member.id, kind: 'status', status: meta.status, at, bytes: null });
    // Staff messages go to the main tables at once: a staged report moves there first.
    await relais.store.settle(ref);
    const { statements, blobKeys } = await relais.store.messages.appendStatements(ref, rows);
    const actor = `member:${member.id}`;
    const audit: Statement[] = [];
    if (meta.status)
      audit.push(
        relais.store.reports.setStatusStatement(ref, meta.status),
        relais.audit.statement({ action: 'report.status', actor, report: ref, details: { status: meta.status } }),
      );
    if (first === 'message')
      audit.push(relais.audit.statement({ action: 'report.reply', actor, report: ref, details: { attachments: rest.length } }));
    if (first === 'note') audit.push(relais.audit.statement({ action: 'report.note', actor, report: ref }));
    try {
      await relais.store.batch([...statements, ...audit]);
    } catch (e) {
      await relais.store.blobs.delete(blobKeys);
      throw e;
    }
    return c.json({ ok: true }, 201);
  });

  return app;
}
