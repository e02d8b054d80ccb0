// Periodic work, run every minute by the Node entry and by the Workers cron trigger:
// - bucket close (DESIGN promise 2, 7; issue 13): a short grace period after a time bucket has
//   closed, its staged reports move to the main tables in a random order (crypto randomness),
//   each in the batch that appends its report-received entry to the audit log, so that neither
//   the pages on disk, nor the log's leaf order, nor the log's timing say more than the bucket;
//   then the bucket's messages move, in a random order too;
// - reports older than the retention period are deleted, each deletion logged ("Retention"), and
//   attachment bytes whose rows are gone are swept;
// - spent challenges and sessions past their expiry are dropped;
// - the files are scrubbed (Store.scrub: WAL checkpointed and deleted, fresh wal-index, unused
//   space of the pages written since the last run zeroed), so a copy of the disk holds neither
//   the order things were written in nor the bytes of what was deleted;
// - the transparency log integrates new entries and signs a checkpoint (src/server/log.ts);
// - members who opted in get a content-free notice for the period just closed;
// - member keys: the config is resolved again if a key expired, the change logged
//   (key-lifecycle.ts, config-change.ts), and keys expiring within 30 days named once a day;
// - each closed bucket gets its one summary line of resident requests (request-log.ts).
// better-sqlite3 is synchronous, so every step works in small slices and yields to the event loop
// between them: a run never holds up requests for long (issue 16, item 3; bench/store.bench.ts).

import { sha256 } from '@noble/hashes/sha2.js';
import { auditEntryJson } from '../core/audit-entry.ts';
import { toHex } from '../core/bytes.ts';
import { shuffle } from '../core/random.ts';
import { encryptedDigest } from '../core/witness-seal.ts';
import { bucketStart, type Relais } from './context.ts';
import { SESSION_IDLE_MS } from './auth.ts';
import { sendNotices } from './notifications.ts';
import { recordConfigVersion } from './config-change.ts';
import { refreshIfDue, warnAboutKeysDaily } from './key-lifecycle.ts';

/** Reports (or messages) moved per batch at bucket close. */
const MOVE_SLICE = 2;
/** Reports deleted per batch by retention, and looked up per query. */
const RETENTION_SLICE = 4;
const RETENTION_QUERY = 100;

/** Lets pending requests run: a macrotask, not a microtask (those run before any I/O). */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * How long after a bucket's end its reports wait before they move and their receipts are logged:
 * a report whose bucket was set in the bucket's last instant may be stored a moment later, and
 * must still join its batch rather than be logged alone afterwards (which would say it came at
 * the very end).
 */
export function receiptGraceSeconds(bucketSeconds: number): number {
  return Math.min(60, Math.floor(bucketSeconds / 6));
}

/** The first bucket not yet due for closing (its start, in unix seconds). */
export function openBucket(relais: Relais): number {
  const { timeBucketSeconds } = relais.config.config;
  return bucketStart(relais.clock() - receiptGraceSeconds(timeBucketSeconds) * 1000, timeBucketSeconds);
}

/** Closes every due bucket; returns how many receipts were logged and how many messages moved. */
export async function closeBuckets(relais: Relais): Promise<{ logged: number; messages: number }> {
  const { staging } = relais.store;
  const open = openBucket(relais);
  let logged = 0;
  for (const bucket of await staging.dueBuckets(open)) {
    const due = shuffle(await staging.dueReports(bucket));
    for (let i = 0; i < due.length; i += MOVE_SLICE) {
      const slice = [];
      for (const r of due.slice(i, i + MOVE_SLICE)) slice.push({ ref: r.ref, receipt: await receiptEntry(relais, bucket, r) });
      await staging.move(slice);
      logged += slice.length;
      await yieldToEventLoop();
    }
  }
  const messages = shuffle(await staging.dueMessages(open));
  for (let i = 0; i < messages.length; i += MOVE_SLICE) {
    await staging.moveMessages(messages.slice(i, i + MOVE_SLICE));
    await yieldToEventLoop();
  }
  return { logged, messages: messages.length };
}

/**
 * A report's report.received entry: its category, the inboxes it was routed to (so auditors can
 * check who may read it, issue 11) and the SHA-256 of each sealed part, in part order (so a case
 * export can prove offline that the server logged exactly these sealed parts, issue 15 §2), and of
 * each part's encrypted packet alone, without its key packets (`encrypted`): a later `relais grant`
 * replaces the key packets and keeps that packet byte for byte, so an export made after a grant
 * still proves its content (src/core/case-verify.ts). Hashes of ciphertext: they say nothing of
 * the content.
 */
async function receiptEntry(relais: Relais, bucket: number, r: { ref: string; category: string }): Promise<string> {
  const { store } = relais;
  const identity = await store.reports.routes(r.ref, 'identity');
  const report = await store.reports.get(r.ref);
  const parts: string[] = [];
  const encrypted: string[] = [];
  for (const part of report?.parts ?? []) {
    const bytes = await store.reports.partBytes(r.ref, part.idx);
    parts.push(bytes ? toHex(sha256(bytes)) : '');
    encrypted.push(bytes ? encryptedHash(bytes) : '');
  }
  const details = {
    category: r.category,
    inboxes: await store.reports.routes(r.ref, 'main'),
    ...(identity.length ? { identity } : {}),
    parts,
    encrypted,
  };
  return auditEntryJson({ action: 'report.received', actor: 'system', bucket, report: r.ref, details });
}

/** Intake checked every part's structure; should one not parse, its receipt is still logged, without this hash. */
function encryptedHash(bytes: Uint8Array): string {
  try {
    return encryptedDigest(bytes);
  } catch {
    return '';
  }
}

export async function deleteExpiredReports(relais: Relais): Promise<number> {
  const { store, config } = relais;
  const cutoff = bucketStart(relais.clock(), config.config.timeBucketSeconds) - config.config.retentionDays * 86_400;
  let deleted = 0;
  for (;;) {
    const refs = await store.reports.receivedBefore(cutoff, RETENTION_QUERY);
    if (refs.length === 0) return deleted;
    for (let i = 0; i < refs.length; i += RETENTION_SLICE) {
      const slice = refs.slice(i, i + RETENTION_SLICE);
      await store.batch(
        slice.flatMap((ref) => [
          ...store.reports.deleteStatements(ref),
          relais.audit.statement({ action: 'report.deleted', actor: 'system', report: ref, details: { reason: 'retention' } }),
        ]),
        // Lost in a power cut, a deletion (and its log entry) is done again at the next run.
        { redoable: true },
      );
      deleted += slice.length;
      await yieldToEventLoop();
    }
  }
}

export interface MaintenanceRun {
  /** receipts logged at bucket close */
  logged: number;
  /** reports deleted by retention */
  deleted: number;
}

export async function runMaintenance(relais: Relais): Promise<MaintenanceRun> {
  const { store } = relais;
  await refreshIfDue(relais);
  await recordConfigVersion(relais);
  warnAboutKeysDaily(relais);
  // Receipts are logged before retention runs, so that every deleted report was first logged.
  const { logged } = await closeBuckets(relais);
  // Content-free notices for the period just closed (src/server/notifications.ts).
  if (relais.notifier) await sendNotices(relais, relais.notifier, receiptGraceSeconds(relais.config.config.timeBucketSeconds));
  const deleted = await deleteExpiredReports(relais);
  while ((await store.sweepBlobs()) > 0) await yieldToEventLoop();
  // Everything appended above, or left unintegrated by a request, goes into the Merkle tree and
  // a signed checkpoint (src/server/log.ts); failures are logged, not thrown.
  await relais.tlog.integrateOrReport();
  const now = relais.clock();
  await store.deleteExpiredChallenges(Math.floor(now / 1000));
  await store.sessions.deleteExpired(now, SESSION_IDLE_MS);
  // Every run, whatever requests or this run wrote: WAL, wal-index and unused page space scrubbed.
  await yieldToEventLoop();
  if (!(await store.scrub())) relais.log('maintenance: the database files could not be scrubbed (another connection has them open)');
  // One line per closed bucket about its resident requests, never a line per request.
  relais.requests.summarize(openBucket(relais));
  return { logged, deleted };
}
