// Periodic work, run every minute by the Node entry and by the Workers cron trigger:
// - report-received entries go into the audit log in one batch per closed time bucket, in random
//   order, a short grace period after it closed, so neither leaf order nor log timing says more
//   than the bucket (DESIGN promise 2, 7);
// - reports older than the retention period are deleted, each deletion logged ("Retention");
// - spent challenges and sessions past their expiry are dropped.
// - the transparency log integrates new entries and signs a checkpoint (src/server/log.ts);
// - members who opted in get a content-free notice for the period just closed.
// - member keys: the config is resolved again if a key expired, the change logged
//   (key-lifecycle.ts, config-change.ts), and keys expiring within 30 days named once a day.

import { sha256 } from '@noble/hashes/sha2.js';
import { auditEntryJson } from '../core/audit-entry.ts';
import { toHex } from '../core/bytes.ts';
import { shuffle } from '../core/random.ts';
import type { Statement } from '../store/driver.ts';
import { bucketStart, type Relais } from './context.ts';
import { SESSION_IDLE_MS } from './auth.ts';
import { sendNotices } from './notifications.ts';
import { recordConfigVersion } from './config-change.ts';
import { refreshIfDue, warnAboutKeysDaily } from './key-lifecycle.ts';

const RETENTION_BATCH = 100;

/**
 * How long after a bucket's end its receipts wait before being logged: a report whose bucket was
 * set in the bucket's last instant may be stored a moment later, and must still join its batch
 * rather than be logged alone afterwards (which would say it came at the very end).
 */
export function receiptGraceSeconds(bucketSeconds: number): number {
  return Math.min(60, Math.floor(bucketSeconds / 6));
}

export async function logClosedBuckets(relais: Relais): Promise<number> {
  const { store, config } = relais;
  const { timeBucketSeconds } = config.config;
  const current = bucketStart(relais.clock() - receiptGraceSeconds(timeBucketSeconds) * 1000, timeBucketSeconds);
  const pending = await store.reports.unloggedBefore(current);
  const byBucket = new Map<number, typeof pending>();
  for (const r of pending) byBucket.set(r.receivedBucket, [...(byBucket.get(r.receivedBucket) ?? []), r]);
  for (const bucket of [...byBucket.keys()].sort((a, b) => a - b)) {
    const statements: Statement[] = [];
    for (const r of shuffle(byBucket.get(bucket) ?? [])) {
      // The inboxes the report was routed to, so auditors can check who may read it (issue 11),
      // and the SHA-256 of each sealed part, so a case export can prove them (issue 15).
      const identity = await store.reports.routes(r.ref, 'identity');
      const details = {
        category: r.category,
        inboxes: await store.reports.routes(r.ref, 'main'),
        ...(identity.length ? { identity } : {}),
        parts: await partHashes(relais, r.ref),
      };
      statements.push(
        store.audit.appendStatement(auditEntryJson({ action: 'report.received', actor: 'system', bucket, report: r.ref, details })),
        store.reportList.receiptEntryStatement(r.ref),
        store.reports.markReceiptLoggedStatement(r.ref),
      );
    }
    await store.batch(statements);
  }
  return pending.length;
}

/**
 * The SHA-256 of each sealed part of a report, in part order, for its report.received entry: so
 * that a case export can prove offline that the server logged exactly these sealed parts
 * (issue 15 §2). Hashes of ciphertext: they say nothing of the content.
 */
async function partHashes(relais: Relais, ref: string): Promise<string[]> {
  const report = await relais.store.reports.get(ref);
  const hashes: string[] = [];
  for (const part of report?.parts ?? []) {
    const bytes = await relais.store.reports.partBytes(ref, part.idx);
    hashes.push(bytes ? toHex(sha256(bytes)) : '');
  }
  return hashes;
}

export async function deleteExpiredReports(relais: Relais): Promise<number> {
  const { store, config } = relais;
  const cutoff = bucketStart(relais.clock(), config.config.timeBucketSeconds) - config.config.retentionDays * 86_400;
  let deleted = 0;
  for (;;) {
    const refs = await store.reports.receivedBefore(cutoff, RETENTION_BATCH);
    if (refs.length === 0) return deleted;
    for (const ref of refs) {
      const blobKeys = [...(await store.reports.blobKeys(ref)), ...(await store.messages.blobKeys(ref))];
      await store.batch([
        store.reports.deleteStatement(ref),
        relais.audit.statement({ action: 'report.deleted', actor: 'system', report: ref, details: { reason: 'retention' } }),
      ]);
      await store.blobs.delete(blobKeys);
      deleted++;
    }
  }
}

export async function runMaintenance(relais: Relais): Promise<{ logged: number; deleted: number }> {
  await refreshIfDue(relais);
  await recordConfigVersion(relais);
  warnAboutKeysDaily(relais);
  // Receipts are logged before retention runs, so that every deleted report was first logged.
  const logged = await logClosedBuckets(relais);
  // Content-free notices for the period just closed (src/server/notifications.ts).
  if (relais.notifier) await sendNotices(relais, relais.notifier, receiptGraceSeconds(relais.config.config.timeBucketSeconds));
  const deleted = await deleteExpiredReports(relais);
  // Everything appended above, or left unintegrated by a request, goes into the Merkle tree and
  // a signed checkpoint (src/server/log.ts); failures are logged, not thrown.
  await relais.tlog.integrateOrReport();
  const now = relais.clock();
  await relais.store.deleteExpiredChallenges(Math.floor(now / 1000));
  await relais.store.sessions.deleteExpired(now, SESSION_IDLE_MS);
  return { logged, deleted };
}
