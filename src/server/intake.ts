// Receives a sealed report (DESIGN "Flows: Tip", promises 1, 2 and 10). Everything is checked
// before anything is written: the body's shape, the config hash, the proof of work, the parts'
// roles and sizes, and for every part its OpenPGP structure and its exact recipient set. Only
// then is the report written, in one batch that also spends the proof of work. Nothing about the
// request other than its body is read.

import { z } from 'zod';
import type { ResolvedMember, RecipientSet, Routing } from '../config/resolve.ts';
import { inspectSealedPart, PacketError } from '../core/openpgp-packets.ts';
import { padmeLength } from '../core/padme.ts';
import { verifySolution } from '../core/pow.ts';
import { checkRecipients, type ExpectedRecipient } from '../core/recipients.ts';
import type { NewReport, PartRole } from '../store/reports.ts';
import { bucketCeil, bucketStart, type Relais } from './context.ts';
import { ApiError } from './http.ts';

const MetaSchema = z
  .object({
    category: z.string().max(64),
    configHash: z.string().regex(/^[0-9a-f]{64}$/),
    pow: z.object({ challenge: z.string().max(200), counter: z.number().int().min(0) }).strict(),
    parts: z.array(z.enum(['report', 'attachment', 'identity'])).min(1).max(64),
  })
  .strict();

export type ReportMeta = z.infer<typeof MetaSchema>;

const META_MAX_BYTES = 16 * 1024;
/** Header, envelope and packet framing around the padded plaintext, plus one PKESK per key. */
const SEAL_OVERHEAD = 1024;
const PKESK_MAX = 600;

/** Largest sealed size a part holding `plainMax` bytes can have with `recipients` keys. */
export function maxSealedSize(plainMax: number, recipients: number): number {
  return padmeLength(plainMax + 256) + SEAL_OVERHEAD + PKESK_MAX * recipients;
}

/** Largest request body for a report, for the body-size limit in front of the parser. */
export function maxReportBody(relais: Relais): number {
  const { limits } = relais.config.config;
  let maxRecipients = 1;
  for (const r of relais.config.routing.values()) maxRecipients = Math.max(maxRecipients, r.main.members.length, r.identity?.members.length ?? 0);
  return maxSealedSize(limits.maxReportBytes, maxRecipients) + 2 * maxSealedSize(limits.maxTextBytes, maxRecipients) + 64 * 1024;
}

export interface ParsedSubmission {
  meta: ReportMeta;
  parts: Uint8Array[];
}

/** Reads the multipart body: a `meta` JSON field and files `part-0` … `part-N`, nothing else. */
export async function parseSubmission(form: FormData): Promise<ParsedSubmission> {
  const metaField = form.get('meta');
  if (typeof metaField !== 'string' || metaField.length > META_MAX_BYTES) throw new ApiError(400, 'meta_invalid', 'The meta field is missing or too long.');
  let metaJson: unknown;
  try {
    metaJson = JSON.parse(metaField);
  } catch {
    throw new ApiError(400, 'meta_invalid', 'The meta field is not JSON.');
  }
  const meta = MetaSchema.safeParse(metaJson);
  if (!meta.success) throw new ApiError(400, 'meta_invalid', 'The meta field does not have the expected shape.');
  const names = new Set(['meta', ...meta.data.parts.map((_, i) => `part-${i}`)]);
  for (const key of form.keys()) {
    if (!names.has(key)) throw new ApiError(400, 'unexpected_field', 'The body has a field that is not expected.');
  }
  const parts: Uint8Array[] = [];
  for (let i = 0; i < meta.data.parts.length; i++) {
    const values = form.getAll(`part-${i}`);
    const file = values[0];
    if (values.length !== 1 || typeof file === 'string' || file === undefined) throw new ApiError(400, 'part_missing', 'A part is missing or is not a file.', { part: i });
    parts.push(new Uint8Array(await file.arrayBuffer()));
  }
  return { meta: meta.data, parts };
}

function expected(set: RecipientSet): ExpectedRecipient[] {
  return set.members.map((m: ResolvedMember) => ({ memberId: m.id, keyIds: new Map(m.encryptionKeyIds.map((k) => [k.keyId, k.algorithm])) }));
}

function checkRoles(roles: PartRole[], routing: Routing, maxAttachments: number): void {
  const count = (role: PartRole) => roles.filter((r) => r === role).length;
  if (roles[0] !== 'report' || count('report') !== 1) throw new ApiError(422, 'parts_invalid', 'A report has exactly one report part, first.');
  if (count('identity') !== (routing.identity ? 1 : 0)) {
    throw new ApiError(422, 'parts_invalid', routing.identity ? 'A witness request has exactly one identity part.' : 'Only witness requests have an identity part.');
  }
  if (count('attachment') > maxAttachments) throw new ApiError(422, 'too_many_attachments', `At most ${maxAttachments} attachments.`);
}

/** Checks a parsed submission against the config; returns the report to store. */
export function checkSubmission(relais: Relais, { meta, parts }: ParsedSubmission, now: number): NewReport {
  const { config } = relais.config;
  if (meta.configHash !== relais.config.hash) {
    throw new ApiError(409, 'stale_config', 'The configuration has changed; fetch it again and seal again.', { currentHash: relais.config.hash });
  }
  const routing = relais.config.routing.get(meta.category);
  if (!routing) throw new ApiError(422, 'unknown_category', 'There is no such category.');
  const pow = verifySolution(relais.secrets.pow, meta.pow.challenge, meta.pow.counter, 'report', config.proofOfWork.reportBits, now);
  if (pow) throw new ApiError(422, pow, 'The proof of work is not valid; ask for a new challenge.');
  checkRoles(meta.parts, routing, config.limits.maxAttachments);

  let attachmentTotal = 0;
  meta.parts.forEach((role, i) => {
    const bytes = parts[i] as Uint8Array;
    const set = role === 'identity' ? (routing.identity as RecipientSet) : routing.main;
    const plainMax = role === 'attachment' ? config.limits.maxAttachmentBytes : config.limits.maxTextBytes;
    if (bytes.length > maxSealedSize(plainMax, set.members.length)) throw new ApiError(413, 'part_too_large', 'A part is larger than allowed.', { part: i });
    if (role === 'attachment') attachmentTotal += bytes.length;
    let info;
    try {
      info = inspectSealedPart(bytes);
    } catch (e) {
      if (e instanceof PacketError) throw new ApiError(422, `part_${e.code}`, `A part is not a sealed OpenPGP message Relais accepts: ${e.message}.`, { part: i });
      throw e;
    }
    const mismatch = checkRecipients(info.recipients, expected(set));
    if (mismatch) throw new ApiError(422, mismatch, 'A part is not sealed to exactly the keys this category routes to.', { part: i });
  });
  if (attachmentTotal > maxSealedSize(config.limits.maxReportBytes, routing.main.members.length)) {
    throw new ApiError(413, 'report_too_large', 'The attachments together are larger than allowed.');
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
  };
}
