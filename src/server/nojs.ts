// The no-JavaScript path on the server (DESIGN promises 3 and 9): for a browser that cannot seal,
// the server seals the report at once, in memory, to exactly the keys a browser would use, makes the
// receipt and the reply key itself, and never writes the clear text anywhere (no log line, no
// table, no file). Attached files are cleaned in memory with the same strippers as the browser's
// (a picture format that needs converting is refused: the server has no image decoder), then each
// is sealed as its own part. Coming back, it derives the keys from the receipt in memory to decrypt
// the conversation for display. The pages say so plainly.

import { fromUtf8 } from '../core/bytes.ts';
import { deriveReceiptSecrets, lookupHash, newReceipt } from '../core/receipt.ts';
import { generateResidentKey } from '../core/resident-key.ts';
import { openSealedPart, readPublicKeys, sealEnvelope } from '../core/seal.ts';
import { issueFollowUpToken } from '../core/followup-token.ts';
import { FORM_MAX_AGE_MS } from '../core/form-token.ts';
import { CONTENT_TYPES, type ContentType } from '../core/envelope.ts';
import { type CleanResult, cleanFile, detectType, StripError, type RemovedCode } from '../core/strip/index.ts';
import * as openpgp from 'openpgp';
import { isAvailable } from '../config/resolve.ts';
import { bucketCeil, bucketStart, type Relais } from './context.ts';
import { membersOf } from './sealed-parts.ts';
import { ConstraintError } from '../store/driver.ts';
import { RESIDENT_KINDS } from '../core/wire.ts';

const TEXT = 'text/plain; charset=utf-8' as const;

export interface CleanedAttachment {
  contentType: ContentType;
  bytes: Uint8Array;
  mime: string;
  removed: RemovedCode[];
}

export type CleanedFiles =
  | { ok: true; files: CleanedAttachment[] }
  /** `index`: the file's position in the form; `mime`: its type as told by its bytes */
  | { ok: false; refused: { index: number; error: StripError; mime: string | null } }
  | { ok: false; total: true };

/**
 * Cleans the files of a no-JS report in memory, in order; the first file that cannot be cleaned
 * refuses them all (nothing is sent without it, and the resident is told which one and why).
 * Each uncleaned buffer is overwritten once cleaned; nothing is written anywhere.
 */
export async function cleanFilesOnServer(
  files: Uint8Array[],
  limits: { maxAttachmentBytes: number; maxReportBytes: number },
): Promise<CleanedFiles> {
  const out: CleanedAttachment[] = [];
  let total = 0;
  let ok = false;
  try {
    for (const [index, bytes] of files.entries()) {
      let cleaned: CleanResult;
      try {
        cleaned = await cleanFile(bytes, { maxBytes: limits.maxAttachmentBytes });
      } catch (e) {
        if (e instanceof StripError) return { ok: false, refused: { index, error: e, mime: detectType(bytes) } };
        throw e;
      }
      total += cleaned.bytes.length;
      if (cleaned.bytes.length > limits.maxAttachmentBytes || total > limits.maxReportBytes) return { ok: false, total: true };
      const contentType = (CONTENT_TYPES as readonly string[]).includes(cleaned.mime)
        ? (cleaned.mime as ContentType)
        : 'application/octet-stream';
      out.push({ contentType, bytes: cleaned.bytes, mime: cleaned.mime, removed: cleaned.removed });
    }
    ok = true;
    return { ok: true, files: out };
  } finally {
    for (const bytes of files) bytes.fill(0);
    if (!ok) for (const file of out) file.bytes.fill(0);
  }
}

export async function fileReportOnServer(
  relais: Relais,
  input: { category: string; text: string; attachments?: { contentType: ContentType; bytes: Uint8Array }[] },
  form: { nonce: string; issued: number },
): Promise<{ ref: string; receipt: string } | { error: 'unknown_category' | 'form_token_spent' }> {
  const routing = relais.config.routing.get(input.category);
  if (!routing || routing.identity) return { error: 'unknown_category' };
  // The page checked this first; a key may have expired in between.
  if (!isAvailable(routing)) return { error: 'unknown_category' };
  const now = relais.clock();
  const keys = routing.main.members.map((m) => m.key);
  const sealed = await sealEnvelope({ kind: 'report', contentType: TEXT, content: new TextEncoder().encode(input.text) }, keys);
  const attachments: { role: 'attachment'; bytes: Uint8Array }[] = [];
  for (const a of input.attachments ?? []) {
    attachments.push({
      role: 'attachment',
      bytes: await sealEnvelope({ kind: 'attachment', contentType: a.contentType, content: a.bytes }, keys),
    });
    a.bytes.fill(0);
  }
  const receipt = newReceipt();
  const { lookupKey, passphrase } = deriveReceiptSecrets(receipt);
  const { publicKey, lockedKey } = await generateResidentKey(passphrase);
  const { timeBucketSeconds } = relais.config.config;
  const outcome = await relais.store.reports.insert({
    category: input.category,
    receivedBucket: bucketStart(now, timeBucketSeconds),
    configHash: relais.config.hash,
    routes: routing.main.inboxes.map((inboxId) => ({ inboxId, audience: 'main' as const })),
    parts: [{ role: 'report', bytes: sealed }, ...attachments],
    spentChallenge: { nonce: `form:${form.nonce}`, expires: bucketCeil(form.issued + FORM_MAX_AGE_MS / 1000, timeBucketSeconds) },
    followUp: { lookupHash: lookupHash(lookupKey), publicKey, lockedKey },
  });
  return outcome.ok ? { ref: outcome.ref, receipt } : { error: 'form_token_spent' };
}

export interface ServerConversation {
  ref: string;
  status: string;
  followUpToken: string;
  messages: { author: 'resident' | 'staff'; kind: string; status: string | null; at: number; text: string | null; size: number }[];
}

export async function openOnServer(relais: Relais, receipt: string): Promise<ServerConversation | null> {
  const { lookupKey, passphrase } = deriveReceiptSecrets(receipt);
  const report = await relais.store.reports.findByLookup(lookupHash(lookupKey));
  if (!report) return null;
  const key = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: report.lockedKey }), passphrase });
  const messages: ServerConversation['messages'] = [];
  for (const info of await relais.store.messages.list(report.ref, RESIDENT_KINDS)) {
    let text: string | null = null;
    if (info.kind !== 'attachment' && info.size > 0) {
      const stored = await relais.store.messages.get(report.ref, info.idx);
      const envelope = stored?.bytes ? await openSealedPart(stored.bytes, key) : null;
      text = envelope && envelope.contentType === TEXT ? fromUtf8(envelope.content) : null;
    }
    messages.push({ author: info.author, kind: info.kind, status: info.status, at: info.at, text, size: info.size });
  }
  return {
    ref: report.ref,
    status: report.status,
    followUpToken: issueFollowUpToken(relais.secrets.followUp, report.ref, relais.clock()),
    messages,
  };
}

export async function addMessageOnServer(
  relais: Relais,
  ref: string,
  text: string,
  form: { nonce: string; issued: number },
): Promise<boolean | 'unavailable'> {
  const report = await relais.store.reports.get(ref);
  if (!report?.replyPublicKey) return false;
  const members = membersOf(relais.config, await relais.store.reports.routes(ref, 'main')).members;
  // Every member's key expired: nobody could read it.
  if (members.length === 0) return 'unavailable';
  const keys = [...members.map((m) => m.key), ...(await readPublicKeys([report.replyPublicKey]))];
  const sealed = await sealEnvelope({ kind: 'message', contentType: TEXT, content: new TextEncoder().encode(text) }, keys);
  const now = relais.clock();
  const { timeBucketSeconds } = relais.config.config;
  await relais.store.batch([
    relais.store.spendChallengeStatement(`form:${form.nonce}`, bucketCeil(form.issued + FORM_MAX_AGE_MS / 1000, timeBucketSeconds)),
    ...relais.store.messages.residentStatements(ref, [
      { kind: 'message', status: null, at: bucketStart(now, timeBucketSeconds), bytes: sealed },
    ]),
  ]);
  return true;
}

/** A no-JS lookup spends its form token like a proof of work, before the key derivation. */
export async function spendFormToken(relais: Relais, form: { nonce: string; issued: number }): Promise<boolean> {
  try {
    await relais.store.batch([
      relais.store.spendChallengeStatement(
        `form:${form.nonce}`,
        bucketCeil(form.issued + FORM_MAX_AGE_MS / 1000, relais.config.config.timeBucketSeconds),
      ),
    ]);
    return true;
  } catch (e) {
    if (e instanceof ConstraintError) return false;
    throw e;
  }
}
