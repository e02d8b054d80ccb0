// Receives a sealed report (DESIGN "Flows: Tip", promises 1, 2, 5 and 10). Everything is checked
// before anything is written, and as early as it can be: the proof of work before the body is
// read (src/server/proof.ts), the config hash, the category and the parts' roles as soon as the
// meta field has arrived, each part's size, OpenPGP structure and exact recipient set as soon as
// that part has arrived (src/server/sealed-form.ts), then the resident's reply key if the client
// set up a follow-up. Only then is the report written, in one batch that also spends the proof of
// work. Nothing about the request but its body and that header is read.

import { z } from 'zod';
import { isAvailable, type RecipientSet, type Routing } from '../config/resolve.ts';
import { fromBase64Url } from '../core/bytes.ts';
import { lookupHash } from '../core/receipt.ts';
import { checkResidentKey, ResidentKeyProblem } from '../core/resident-key.ts';
import type { NewReport, PartRole } from '../store/reports.ts';
import { bucketStart, type Relais } from './context.ts';
import { ApiError } from './http.ts';
import type { HeldProof } from './proof.ts';
import type { PartPlan, SealedForm } from './sealed-form.ts';
import type { ExpectedRecipient } from '../core/recipients.ts';
import { expectedMembers, maxSealedSize, sealedPartsPlan } from './sealed-parts.ts';

export const LookupKeySchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
export const PowSchema = z.object({ challenge: z.string().max(200), counter: z.number().int().min(0) }).strict();

export const ReportMetaSchema = z
  .object({
    category: z.string().max(64),
    configHash: z.string().regex(/^[0-9a-f]{64}$/),
    parts: z
      .array(z.enum(['report', 'attachment', 'identity']))
      .min(1)
      .max(64),
    followUp: z
      .object({ lookupKey: LookupKeySchema, publicKey: z.string().max(16_384), lockedKey: z.string().max(16_384) })
      .strict()
      .optional(),
  })
  .strict();

export type ReportMeta = z.infer<typeof ReportMetaSchema>;

/** Largest request body for a report, for the body-size limit in front of the parser. */
export function maxReportBody(relais: Relais): number {
  const { limits } = relais.config.config;
  let maxRecipients = 1;
  for (const r of relais.config.routing.values())
    maxRecipients = Math.max(maxRecipients, r.main.members.length, r.identity?.members.length ?? 0);
  return maxSealedSize(limits.maxReportBytes, maxRecipients) + 2 * maxSealedSize(limits.maxTextBytes, maxRecipients) + 96 * 1024;
}

function checkRoles(roles: PartRole[], routing: Routing, maxAttachments: number): void {
  const count = (role: PartRole) => roles.filter((r) => r === role).length;
  if (roles[0] !== 'report' || count('report') !== 1)
    throw new ApiError(422, 'parts_invalid', 'A report has exactly one report part, first.');
  if (count('identity') !== (routing.identity ? 1 : 0)) {
    throw new ApiError(
      422,
      'parts_invalid',
      routing.identity ? 'A witness request has exactly one identity part.' : 'Only witness requests have an identity part.',
    );
  }
  if (count('attachment') > maxAttachments) throw new ApiError(422, 'too_many_attachments', `At most ${maxAttachments} attachments.`);
}

/** A category nobody can read at the moment (every reader's key expired). */
export function unavailableCategory(): ApiError {
  return new ApiError(422, 'category_unavailable', 'Nobody can receive reports in this category at the moment; try again later.');
}

/** Checks a report's meta against the config, before any part is read; returns how to read its parts. */
export function submissionPlan(relais: Relais, meta: ReportMeta): PartPlan {
  const { config } = relais.config;
  if (meta.configHash !== relais.config.hash) {
    throw new ApiError(409, 'stale_config', 'The configuration has changed; fetch it again and seal again.', {
      currentHash: relais.config.hash,
    });
  }
  const routing = relais.config.routing.get(meta.category);
  if (!routing) throw new ApiError(422, 'unknown_category', 'There is no such category.');
  if (!isAvailable(routing)) throw unavailableCategory();
  checkRoles(meta.parts, routing, config.limits.maxAttachments);
  const setOf = (i: number): RecipientSet => (meta.parts[i] === 'identity' ? (routing.identity as RecipientSet) : routing.main);
  const expected = [expectedMembers(routing.main.members), expectedMembers(routing.identity?.members ?? [])];
  const maxBytes = (i: number) =>
    maxSealedSize(meta.parts[i] === 'attachment' ? config.limits.maxAttachmentBytes : config.limits.maxTextBytes, setOf(i).members.length);
  const attachmentsMax = maxSealedSize(config.limits.maxReportBytes, routing.main.members.length);
  let attachmentTotal = 0;
  return sealedPartsPlan(
    maxBytes,
    (i) => expected[meta.parts[i] === 'identity' ? 1 : 0] as ExpectedRecipient[],
    (i, bytes) => {
      if (meta.parts[i] !== 'attachment') return;
      attachmentTotal += bytes.length;
      if (attachmentTotal > attachmentsMax)
        throw new ApiError(413, 'report_too_large', 'The attachments together are larger than allowed.');
    },
  );
}

/** Checks what remains once every part has passed (the reply key); returns the report to store. */
export async function completeSubmission(
  relais: Relais,
  { meta, parts }: SealedForm<ReportMeta>,
  proof: HeldProof,
  now: number,
): Promise<NewReport> {
  const { config } = relais.config;
  const routing = relais.config.routing.get(meta.category) as Routing;
  let followUp: NewReport['followUp'];
  if (meta.followUp) {
    try {
      checkResidentKey(meta.followUp.publicKey, meta.followUp.lockedKey, new Date(now));
    } catch (e) {
      if (e instanceof ResidentKeyProblem) throw new ApiError(422, 'reply_key_invalid', 'The reply key is not one Relais accepts.');
      throw e;
    }
    followUp = {
      lookupHash: lookupHash(fromBase64Url(meta.followUp.lookupKey)),
      publicKey: meta.followUp.publicKey,
      lockedKey: meta.followUp.lockedKey,
    };
  }
  return {
    category: meta.category,
    receivedBucket: bucketStart(now, config.timeBucketSeconds),
    configHash: relais.config.hash,
    routes: [
      ...routing.main.inboxes.map((inboxId) => ({ inboxId, audience: 'main' as const })),
      ...(routing.identity?.inboxes ?? []).map((inboxId) => ({ inboxId, audience: 'identity' as const })),
    ],
    parts: meta.parts.map((role, i) => ({ role, bytes: parts[i] as Uint8Array })),
    spentChallenge: proof.spent,
    ...(followUp ? { followUp } : {}),
  };
}
