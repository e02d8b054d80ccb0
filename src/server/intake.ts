// Receives a sealed report (DESIGN "Flows: Tip", promises 1, 2, 5 and 10). Everything is checked
// before anything is written: the body's shape, the config hash, the proof of work, the parts'
// roles and sizes, for every part its OpenPGP structure and its exact recipient set, and the
// resident's reply key if the client set up a follow-up. Only then is the report written, in one
// batch that also spends the proof of work. Nothing about the request but its body is read.

import { z } from 'zod';
import { isAvailable, type RecipientSet, type Routing } from '../config/resolve.ts';
import { fromBase64Url } from '../core/bytes.ts';
import { verifySolution } from '../core/pow.ts';
import { lookupHash } from '../core/receipt.ts';
import { checkResidentKey, ResidentKeyProblem } from '../core/resident-key.ts';
import type { NewReport, PartRole } from '../store/reports.ts';
import { bucketCeil, bucketStart, type Relais } from './context.ts';
import { ApiError } from './http.ts';
import type { SealedForm } from './sealed-form.ts';
import { checkSealedPart, expectedMembers, maxSealedSize } from './sealed-parts.ts';

export const LookupKeySchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
export const PowSchema = z.object({ challenge: z.string().max(200), counter: z.number().int().min(0) }).strict();

export const ReportMetaSchema = z
  .object({
    category: z.string().max(64),
    configHash: z.string().regex(/^[0-9a-f]{64}$/),
    pow: PowSchema,
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

/** Checks a submission against the config; returns the report to store. */
export async function checkSubmission(relais: Relais, { meta, parts }: SealedForm<ReportMeta>, now: number): Promise<NewReport> {
  const { config } = relais.config;
  if (meta.configHash !== relais.config.hash) {
    throw new ApiError(409, 'stale_config', 'The configuration has changed; fetch it again and seal again.', {
      currentHash: relais.config.hash,
    });
  }
  const routing = relais.config.routing.get(meta.category);
  if (!routing) throw new ApiError(422, 'unknown_category', 'There is no such category.');
  if (!isAvailable(routing)) throw unavailableCategory();
  const pow = verifySolution(relais.secrets.pow, meta.pow.challenge, meta.pow.counter, 'report', config.proofOfWork.reportBits, now);
  if (pow) throw new ApiError(422, pow, 'The proof of work is not valid; ask for a new challenge.');
  checkRoles(meta.parts, routing, config.limits.maxAttachments);

  let attachmentTotal = 0;
  meta.parts.forEach((role, i) => {
    const bytes = parts[i] as Uint8Array;
    const set: RecipientSet = role === 'identity' ? (routing.identity as RecipientSet) : routing.main;
    const plainMax = role === 'attachment' ? config.limits.maxAttachmentBytes : config.limits.maxTextBytes;
    checkSealedPart(bytes, expectedMembers(set.members), maxSealedSize(plainMax, set.members.length), i);
    if (role === 'attachment') attachmentTotal += bytes.length;
  });
  if (attachmentTotal > maxSealedSize(config.limits.maxReportBytes, routing.main.members.length)) {
    throw new ApiError(413, 'report_too_large', 'The attachments together are larger than allowed.');
  }

  let followUp: NewReport['followUp'];
  if (meta.followUp) {
    try {
      await checkResidentKey(meta.followUp.publicKey, meta.followUp.lockedKey, new Date(now));
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

  const challengeExpires = Number(meta.pow.challenge.split('.')[2]);
  return {
    category: meta.category,
    receivedBucket: bucketStart(now, config.timeBucketSeconds),
    configHash: relais.config.hash,
    routes: [
      ...routing.main.inboxes.map((inboxId) => ({ inboxId, audience: 'main' as const })),
      ...(routing.identity?.inboxes ?? []).map((inboxId) => ({ inboxId, audience: 'identity' as const })),
    ],
    parts: meta.parts.map((role, i) => ({ role, bytes: parts[i] as Uint8Array })),
    spentChallenge: { nonce: meta.pow.challenge.split('.')[4] as string, expires: bucketCeil(challengeExpires, config.timeBucketSeconds) },
    ...(followUp ? { followUp } : {}),
  };
}
