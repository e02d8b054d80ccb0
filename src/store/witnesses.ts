// Witness numbers (DESIGN promise 6): each witness request's W- number, written in the same batch
// as the report (reports.insert's extra statements, so into the staging area with the report),
// and the custodians' list of the witness requests held in their custody inboxes, wherever they
// are (the all_* views). Nothing here holds anything about the witness in clear.

import { sql, type SqlDriver, type Statement } from './driver.ts';
import type { ReportStatus, WitnessSummary } from '../core/wire.ts';

export type { WitnessSummary } from '../core/wire.ts';

export class WitnessRepository {
  constructor(private readonly db: SqlDriver) {}

  insertStatement(number: string, ref: string): Statement {
    return sql('INSERT INTO staged_witnesses (number, ref) VALUES (?, ?)', number, ref);
  }

  async numberOf(ref: string): Promise<string | null> {
    return (await this.db.first<{ number: string }>('SELECT number FROM all_witnesses WHERE ref = ?', [ref]))?.number ?? null;
  }

  async refOf(number: string): Promise<string | null> {
    return (await this.db.first<{ ref: string }>('SELECT ref FROM all_witnesses WHERE number = ?', [number]))?.ref ?? null;
  }

  /** Witness requests whose identity was routed to any of these (custody) inboxes, newest first. */
  async list(q: { inboxIds: string[]; limit: number; offset: number }): Promise<{ total: number; witnesses: WitnessSummary[] }> {
    if (q.inboxIds.length === 0) return { total: 0, witnesses: [] };
    const marks = q.inboxIds.map(() => '?').join(', ');
    const where = `EXISTS (SELECT 1 FROM all_routes rt WHERE rt.ref = w.ref AND rt.audience = 'identity' AND rt.inbox_id IN (${marks}))`;
    const total = await this.db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM all_witnesses w WHERE ${where}`, q.inboxIds);
    const rows = await this.db.all<{
      number: string;
      ref: string;
      category: string;
      received_bucket: number;
      status: ReportStatus;
      identity_part: number | null;
      pending: number;
    }>(
      `SELECT w.number, w.ref, r.category, r.received_bucket, r.status,
         (SELECT p.idx FROM all_parts p WHERE p.ref = w.ref AND p.role = 'identity') AS identity_part,
         (SELECT COUNT(*) FROM disclosures d WHERE d.witness = w.number AND d.state = 'pending') AS pending
       FROM all_witnesses w JOIN all_reports r ON r.ref = w.ref WHERE ${where}
       ORDER BY r.received_bucket DESC, w.number LIMIT ? OFFSET ?`,
      [...q.inboxIds, q.limit, q.offset],
    );
    return {
      total: total?.n ?? 0,
      witnesses: rows.map((r) => ({
        number: r.number,
        ref: r.ref,
        category: r.category,
        receivedBucket: r.received_bucket,
        status: r.status,
        identityPart: r.identity_part,
        pending: r.pending,
      })),
    };
  }
}
