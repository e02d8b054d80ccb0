// The resident's way back (DESIGN "Flows: Follow-up", promise 5): open the conversation with the
// lookup key derived from the receipt and a proof of work, then read the officers' replies and add
// messages with a short-lived stateless token. A wrong receipt and an unknown one are the same
// thing to the server: it only ever sees the lookup key and finds no report for its hash. Guessing
// is throttled by the proof of work, never by address. Nothing here is logged or timed per
// resident: messages from residents carry the time bucket only.

import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { fromBase64Url } from '../core/bytes.ts';
import { checkFollowUpToken, issueFollowUpToken } from '../core/followup-token.ts';
import { verifySolution } from '../core/pow.ts';
import { lookupHash } from '../core/receipt.ts';
import { ConstraintError } from '../store/driver.ts';
import { RESIDENT_KINDS } from '../core/wire.ts';
import type { Env, Relais } from '../server/context.ts';
import { bucketCeil, bucketStart } from '../server/context.ts';
import { ApiError } from '../server/http.ts';
import { unavailableCategory } from '../server/intake.ts';
import { LookupKeySchema, PowSchema } from '../server/intake.ts';
import { readSealedForm } from '../server/sealed-form.ts';
import { expectedMembers, expectedResident, maxMessageBody, maxSealedSize, membersOf, sealedPartsPlan } from '../server/sealed-parts.ts';
import { readJson } from '../server/bodies.ts';

const OpenRequest = z.object({ lookupKey: LookupKeySchema, pow: PowSchema }).strict();
const MessageMeta = z
  .object({
    parts: z
      .array(z.enum(['message', 'attachment']))
      .min(1)
      .max(21),
  })
  .strict();

/** What the resident may see of the conversation: never internal notes. */

function tokenRef(relais: Relais, c: Context<Env>): string {
  const m = /^Followup (\S{1,200})$/.exec(c.req.header('Authorization') ?? '');
  const ref = m ? checkFollowUpToken(relais.secrets.followUp, m[1] as string, relais.clock()) : null;
  if (!ref) throw new ApiError(401, 'followup_token_invalid', 'Open the conversation again with your receipt.');
  return ref;
}

export function followUpRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const { config } = relais.config;

  app.post('/open', async (c) => {
    const body = await readJson(c, relais, OpenRequest);
    const now = relais.clock();
    const pow = verifySolution(relais.secrets.pow, body.pow.challenge, body.pow.counter, 'lookup', config.proofOfWork.lookupBits, now);
    if (pow) throw new ApiError(422, pow, 'The proof of work is not valid; ask for a new challenge.');
    const [, , expires, , nonce] = body.pow.challenge.split('.');
    try {
      // Spent before the lookup: every guess at a receipt costs one proof of work.
      await relais.store.batch([
        relais.store.spendChallengeStatement(nonce as string, bucketCeil(Number(expires), config.timeBucketSeconds)),
      ]);
    } catch (e) {
      if (e instanceof ConstraintError)
        throw new ApiError(409, 'pow_replayed', 'This proof of work was already used; ask for a new challenge.');
      throw e;
    }
    const report = await relais.store.reports.findByLookup(lookupHash(fromBase64Url(body.lookupKey)));
    if (!report) throw new ApiError(404, 'receipt_unknown', 'No report matches this receipt. Check the digits.');
    return c.json({
      token: issueFollowUpToken(relais.secrets.followUp, report.ref, now),
      ref: report.ref,
      category: report.category,
      status: report.status,
      receivedBucket: report.receivedBucket,
      publicKey: report.replyPublicKey,
      lockedKey: report.lockedKey,
      // Messages are sealed to these keys and the resident's own: the current members of the
      // inboxes the report was routed to.
      inboxKeys: membersOf(relais.config, await relais.store.reports.routes(report.ref, 'main')).members.map((m) => m.armored),
      messages: await relais.store.messages.list(report.ref, RESIDENT_KINDS),
    });
  });

  app.get('/messages', async (c) => {
    const ref = tokenRef(relais, c);
    const report = await relais.store.reports.get(ref);
    if (!report) throw new ApiError(404, 'not_found', 'No such report.');
    return c.json({ status: report.status, messages: await relais.store.messages.list(ref, RESIDENT_KINDS) });
  });

  app.get('/messages/:idx', async (c) => {
    const ref = tokenRef(relais, c);
    const idxText = c.req.param('idx');
    const message = /^[0-9]{1,6}$/.test(idxText) ? await relais.store.messages.get(ref, Number(idxText)) : null;
    if (!message || !RESIDENT_KINDS.includes(message.kind) || !message.bytes) throw new ApiError(404, 'not_found', 'No such message.');
    return c.body(message.bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream' });
  });

  const maxBody = maxMessageBody(config.limits);
  app.post('/messages', async (c) => {
    const ref = tokenRef(relais, c);
    const now = relais.clock();
    const { meta, parts } = await readSealedForm(c, relais, MessageMeta, {
      maxBody,
      tooLarge: 'The message is larger than allowed.',
      plan: async (meta) => {
        if (meta.parts[0] !== 'message' || meta.parts.slice(1).some((p) => p !== 'attachment'))
          throw new ApiError(422, 'parts_invalid', 'A message comes first, then its attachments.');
        if (meta.parts.length - 1 > config.limits.maxAttachments)
          throw new ApiError(422, 'too_many_attachments', `At most ${config.limits.maxAttachments} attachments.`);
        const report = await relais.store.reports.get(ref);
        if (!report?.replyPublicKey) throw new ApiError(404, 'not_found', 'No such report.');
        const members = membersOf(relais.config, await relais.store.reports.routes(ref, 'main')).members;
        // Every member's key expired: a message sealed to the resident alone would reach nobody.
        if (members.length === 0) throw unavailableCategory();
        const expected = [...expectedMembers(members), await expectedResident(report.replyPublicKey, new Date(now))];
        const maxBytes = (i: number) =>
          maxSealedSize(meta.parts[i] === 'attachment' ? config.limits.maxAttachmentBytes : config.limits.maxTextBytes, expected.length);
        return sealedPartsPlan(maxBytes, () => expected);
      },
    });
    const at = bucketStart(now, config.timeBucketSeconds);
    // Into the staging area until the bucket closes; staff see the report as unread at once.
    await relais.store.batch(
      relais.store.messages.residentStatements(
        ref,
        meta.parts.map((role, i) => ({ kind: role, status: null, at, bytes: parts[i] as Uint8Array })),
      ),
    );
    return c.json({ ok: true }, 201);
  });

  return app;
}
