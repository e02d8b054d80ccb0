// Reports, their routes and their sealed parts: written in one batch so that a report is either
// complete or absent (DESIGN promise 10), read back only through the inboxes it was routed to
// (promise 8). A new report, attachment bytes included, goes to the staging area until its time
// bucket closes (staging.ts, promise 2); every read here finds a report wherever it is, through
// the all_* views of migrations/0005_staging.sql.

import { randomBytes, toBase64Url } from '../core/bytes.ts';
import type { Audience, PartInfo, PartRole, ReportStatus } from '../core/wire.ts';
import { ConstraintError, sql, type SqlDriver, type Statement } from './driver.ts';
import type { StagedBlobs } from './staging.ts';

export type { Audience, PartInfo, PartRole, ReportStatus, ReportSummary } from '../core/wire.ts';

export interface NewReport {
  category: string;
  receivedBucket: number;
  configHash: string;
  routes: { inboxId: string; audience: Audience }[];
  parts: { role: PartRole; bytes: Uint8Array }[];
  /** the proof-of-work challenge this report spends, with its bucketed expiry */
  spentChallenge: { nonce: string; expires: number };
  /** the resident's means to come back, if the client set them up */
  followUp?: { lookupHash: string; publicKey: string; lockedKey: string };
}

export interface ReportRecord {
  ref: string;
  category: string;
  receivedBucket: number;
  status: ReportStatus;
  parts: PartInfo[];
  /** the resident's reply public key, if any */
  replyPublicKey: string | null;
}

/**
 * challenge_spent: the proof of work (or form token) was already used; lookup_taken: another
 * report has this follow-up lookup key (the challenge is then spent all the same).
 */
export type InsertOutcome = { ok: true; ref: string } | { ok: false; reason: 'challenge_spent' | 'lookup_taken' };

const INLINE_ROLES: PartRole[] = ['report', 'identity'];

export class ReportRepository {
  constructor(
    private readonly db: SqlDriver,
    private readonly blobs: StagedBlobs,
    private readonly newRef: () => string,
  ) {}

  async isChallengeSpent(nonce: string): Promise<boolean> {
    return (await this.db.first('SELECT 1 AS x FROM spent_challenges WHERE nonce = ?', [nonce])) !== null;
  }

  /** `extra`: statements for the same batch, or a function making them for the report's reference. */
  async insert(report: NewReport, extra: Statement[] | ((ref: string) => Statement[]) = []): Promise<InsertOutcome> {
    // A spent challenge is refused by its primary key (the route checked it before the body, too).
    // Attachment bytes are staged in the same batch: nothing to clean up if it fails.
    const blobKeys = report.parts.map((p) => (INLINE_ROLES.includes(p.role) ? null : toBase64Url(randomBytes(18))));
    // A reference collision (2^-60 per pair) is retried with a fresh reference.
    for (let attempt = 0; ; attempt++) {
      const ref = this.newRef();
      try {
        await this.db.batch([
          sql('INSERT INTO spent_challenges (nonce, expires) VALUES (?, ?)', report.spentChallenge.nonce, report.spentChallenge.expires),
          sql(
            'INSERT INTO staged_reports (ref, category, received_bucket, config_hash, lookup_hash, reply_public_key, reply_locked_key) VALUES (?, ?, ?, ?, ?, ?, ?)',
            ref,
            report.category,
            report.receivedBucket,
            report.configHash,
            report.followUp?.lookupHash ?? null,
            report.followUp?.publicKey ?? null,
            report.followUp?.lockedKey ?? null,
          ),
          ...report.routes.map((r) =>
            sql('INSERT INTO staged_routes (ref, inbox_id, audience) VALUES (?, ?, ?)', ref, r.inboxId, r.audience),
          ),
          ...report.parts.flatMap((p, idx) => {
            const key = blobKeys[idx] ?? null;
            return [
              ...(key ? this.blobs.statements(key, p.bytes) : []),
              sql(
                'INSERT INTO staged_parts (ref, idx, role, size, data, blob_key) VALUES (?, ?, ?, ?, ?, ?)',
                ref,
                idx,
                p.role,
                p.bytes.length,
                key ? null : p.bytes,
                key,
              ),
            ];
          }),
          ...(typeof extra === 'function' ? extra(ref) : extra),
        ]);
        return { ok: true, ref };
      } catch (e) {
        if (!(e instanceof ConstraintError)) throw e;
        if (await this.isChallengeSpent(report.spentChallenge.nonce)) return { ok: false, reason: 'challenge_spent' };
        if (
          report.followUp &&
          (await this.db.first('SELECT 1 AS x FROM all_reports WHERE lookup_hash = ?', [report.followUp.lookupHash]))
        ) {
          // Spent all the same, so that one solved challenge cannot probe lookup keys again and again.
          await this.db
            .batch([
              sql(
                'INSERT INTO spent_challenges (nonce, expires) VALUES (?, ?)',
                report.spentChallenge.nonce,
                report.spentChallenge.expires,
              ),
            ])
            .catch((spent: unknown) => {
              if (!(spent instanceof ConstraintError)) throw spent;
            });
          return { ok: false, reason: 'lookup_taken' };
        }
        if (attempt >= 2) throw e;
      }
    }
  }

  /** The audiences through which any of these inboxes sees the report (empty: not visible). */
  async audiences(ref: string, inboxIds: string[]): Promise<Audience[]> {
    if (inboxIds.length === 0) return [];
    const rows = await this.db.all<{ audience: Audience }>(
      `SELECT DISTINCT audience FROM all_routes WHERE ref = ? AND inbox_id IN (${placeholders(inboxIds)})`,
      [ref, ...inboxIds],
    );
    return rows.map((r) => r.audience);
  }

  async get(ref: string): Promise<ReportRecord | null> {
    const r = await this.db.first<{
      ref: string;
      category: string;
      received_bucket: number;
      status: ReportStatus;
      reply_public_key: string | null;
    }>('SELECT ref, category, received_bucket, status, reply_public_key FROM all_reports WHERE ref = ?', [ref]);
    if (!r) return null;
    const parts = await this.db.all<PartInfo>('SELECT idx, role, size FROM all_parts WHERE ref = ? ORDER BY idx', [ref]);
    return {
      ref: r.ref,
      category: r.category,
      receivedBucket: r.received_bucket,
      status: r.status,
      parts,
      replyPublicKey: r.reply_public_key,
    };
  }

  /** The report a lookup key hash belongs to, with the resident's locked reply key. */
  async findByLookup(lookupHash: string): Promise<(ReportRecord & { lockedKey: string }) | null> {
    const row = await this.db.first<{ ref: string; reply_locked_key: string }>(
      'SELECT ref, reply_locked_key FROM all_reports WHERE lookup_hash = ?',
      [lookupHash],
    );
    if (!row) return null;
    const report = await this.get(row.ref);
    return report && { ...report, lockedKey: row.reply_locked_key };
  }

  /** Inbox ids a report was routed to, for one audience. */
  async routes(ref: string, audience: Audience): Promise<string[]> {
    const rows = await this.db.all<{ inbox_id: string }>(
      'SELECT inbox_id FROM all_routes WHERE ref = ? AND audience = ? ORDER BY inbox_id',
      [ref, audience],
    );
    return rows.map((r) => r.inbox_id);
  }

  /** A staff write: settle the report first (Store.settle), so that it is in the main tables. */
  setStatusStatement(ref: string, status: ReportStatus): Statement {
    return sql('UPDATE reports SET status = ? WHERE ref = ?', status, ref);
  }

  /**
   * Statements that replace a stored part's bytes (a grant's new key packets before the same
   * encrypted packet; issue 14), guarded so they apply only if the part is still as it was read,
   * wherever it is: in the main tables or still in the staging area (a grant does not move a
   * report out of staging). In the main tables attachment bytes go to a new blob first: `added` is
   * deleted if the batch fails, `replaced` once it has succeeded; in staging the new bytes are
   * staged chunks written, and the old ones deleted, in the batch itself. A part moved out of
   * staging meanwhile fails the guard (the client asks again). The one place that knows where a
   * part's bytes live.
   */
  async rewriteSealedStatements(ref: string, idx: number, bytes: Uint8Array): Promise<SealedRewrite | null> {
    for (const table of ['parts', 'staged_parts'] as const) {
      const row = await this.db.first<{ data: Uint8Array | null; blob_key: string | null }>(
        `SELECT data, blob_key FROM ${table} WHERE ref = ? AND idx = ?`,
        [ref, idx],
      );
      if (row) return rewrite(this.blobs, table, ref, idx, row, bytes);
    }
    return null;
  }

  async partBytes(ref: string, idx: number): Promise<Uint8Array | null> {
    const row = await this.db.first<{ data: Uint8Array | null; blob_key: string | null }>(
      'SELECT data, blob_key FROM all_parts WHERE ref = ? AND idx = ?',
      [ref, idx],
    );
    if (!row) return null;
    return row.data ?? (row.blob_key ? this.blobs.get(row.blob_key) : null);
  }

  /** References of reports received before `bucket` (for retention). */
  async receivedBefore(bucket: number, limit: number): Promise<string[]> {
    const rows = await this.db.all<{ ref: string }>('SELECT ref FROM reports WHERE received_bucket < ? LIMIT ?', [bucket, limit]);
    return rows.map((r) => r.ref);
  }

  /**
   * Deletes a report that is in the main tables (retention): its routes, parts, read marks,
   * messages and witness number go with it (ON DELETE CASCADE), so do its messages still in
   * staging; the keys of its attachment bytes go to the trash in the same batch (Store.sweepBlobs).
   */
  deleteStatements(ref: string): Statement[] {
    return [
      sql('INSERT OR IGNORE INTO blob_trash (key) SELECT blob_key FROM parts WHERE ref = ? AND blob_key IS NOT NULL', ref),
      sql('INSERT OR IGNORE INTO blob_trash (key) SELECT blob_key FROM messages WHERE ref = ? AND blob_key IS NOT NULL', ref),
      sql('DELETE FROM staged_blobs WHERE key IN (SELECT blob_key FROM staged_messages WHERE ref = ? AND blob_key IS NOT NULL)', ref),
      sql('DELETE FROM staged_messages WHERE ref = ?', ref),
      sql('DELETE FROM reports WHERE ref = ?', ref),
    ];
  }

  clearReadsStatement(ref: string): Statement {
    return sql('DELETE FROM report_reads WHERE ref = ?', ref);
  }

  /** A staff write: settle the report first (Store.settle), so that it is in the main tables. */
  markReadStatement(ref: string, memberId: string): Statement {
    return sql('INSERT OR IGNORE INTO report_reads (ref, member_id) VALUES (?, ?)', ref, memberId);
  }
}

/** A rewrite of a stored sealed object: the statements, and blob keys to clean up after. */
export interface SealedRewrite {
  statements: Statement[];
  /** a blob written for the new bytes: delete it if the batch fails */
  added: string | null;
  /** the blob the new bytes replace: delete it once the batch has succeeded */
  replaced: string | null;
}

/** Shared by parts and messages, staged or not, which store bytes the same way (inline, or in a blob). */
export async function rewrite(
  blobs: StagedBlobs,
  table: 'parts' | 'messages' | 'staged_parts' | 'staged_messages',
  ref: string,
  idx: number,
  row: { data: Uint8Array | null; blob_key: string | null },
  bytes: Uint8Array,
): Promise<SealedRewrite> {
  const guard = sql(
    `INSERT INTO key_packet_guard (ok) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE ref = ? AND idx = ? AND data IS ? AND blob_key IS ?)`,
    ref,
    idx,
    row.data,
    row.blob_key,
  );
  if (!row.blob_key) {
    return {
      statements: [guard, sql(`UPDATE ${table} SET size = ?, data = ? WHERE ref = ? AND idx = ?`, bytes.length, bytes, ref, idx)],
      added: null,
      replaced: null,
    };
  }
  const added = toBase64Url(randomBytes(18));
  const update = sql(`UPDATE ${table} SET size = ?, blob_key = ? WHERE ref = ? AND idx = ?`, bytes.length, added, ref, idx);
  if (table === 'staged_parts' || table === 'staged_messages') {
    // Staged bytes stay in staging: new chunks in, old ones out, all in the guarded batch.
    return {
      statements: [guard, ...blobs.statements(added, bytes), update, blobs.deleteStatement(row.blob_key)],
      added: null,
      replaced: null,
    };
  }
  await blobs.store.put(added, bytes);
  return { statements: [guard, update], added, replaced: row.blob_key };
}

function placeholders(values: unknown[]): string {
  return values.map(() => '?').join(', ');
}
