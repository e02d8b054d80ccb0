// Disclosures of a witness's identity (DESIGN promise 6): the re-sealed identity for one
// investigator inbox, its review copy for the custodians, and the steps taken on it. Every step is
// one append-only event row whose insertion the database itself refuses when the disclosure's
// state does not allow it, or when the custodian who asked tries to decide (migrations/
// 0004_witness.sql), so a step and its audit entry go in one batch with no read before.

import type { DisclosureAction, DisclosureState } from '../core/wire.ts';
import { sql, type SqlDriver, type Statement } from './driver.ts';

export type { DisclosureAction, DisclosureState } from '../core/wire.ts';

export interface NewDisclosure {
  id: string;
  witness: string;
  inboxId: string;
  requestedBy: string;
  requestedAt: number;
  encryptedSha256: string;
  sealed: Uint8Array;
  review: Uint8Array;
}

export interface DisclosureEvent {
  action: DisclosureAction;
  memberId: string;
  at: number;
}

export interface DisclosureRecord {
  id: string;
  witness: string;
  ref: string;
  inboxId: string;
  requestedBy: string;
  requestedAt: number;
  state: DisclosureState;
  encryptedSha256: string;
  size: number;
  events: DisclosureEvent[];
}

export interface DisclosureFilter {
  ref?: string;
  witness?: string;
  state?: DisclosureState;
}

type Row = {
  id: string;
  witness: string;
  ref: string;
  inbox_id: string;
  requested_by: string;
  requested_at: number;
  state: DisclosureState;
  encrypted_sha256: string;
  size: number;
};

const SELECT = `SELECT d.id, d.witness, w.ref, d.inbox_id, d.requested_by, d.requested_at, d.state, d.encrypted_sha256, length(d.sealed) AS size
  FROM disclosures d JOIN witnesses w ON w.number = d.witness`;

export class DisclosureRepository {
  constructor(private readonly db: SqlDriver) {}

  createStatement(d: NewDisclosure): Statement {
    return sql(
      'INSERT INTO disclosures (id, witness, inbox_id, requested_by, requested_at, encrypted_sha256, sealed, review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      d.id,
      d.witness,
      d.inboxId,
      d.requestedBy,
      d.requestedAt,
      d.encryptedSha256,
      d.sealed,
      d.review,
    );
  }

  /** A step; the batch it is in fails (ConstraintError) if the disclosure's state does not allow it. */
  eventStatement(id: string, action: DisclosureAction, memberId: string, at: number): Statement {
    return sql('INSERT INTO disclosure_events (disclosure_id, action, member_id, at) VALUES (?, ?, ?, ?)', id, action, memberId, at);
  }

  async get(id: string): Promise<DisclosureRecord | null> {
    const row = await this.db.first<Row>(`${SELECT} WHERE d.id = ?`, [id]);
    return row ? ((await this.withEvents([row]))[0] ?? null) : null;
  }

  /** Disclosures of the witnesses whose identity was routed to these custody inboxes. */
  async listForCustody(inboxIds: string[], filter: DisclosureFilter = {}): Promise<DisclosureRecord[]> {
    if (inboxIds.length === 0) return [];
    const where = [
      `EXISTS (SELECT 1 FROM report_routes rt WHERE rt.ref = w.ref AND rt.audience = 'identity' AND rt.inbox_id IN (${inboxIds.map(() => '?').join(', ')}))`,
    ];
    return this.select(where, [...inboxIds], filter);
  }

  /** Disclosures approved (or already fetched) for these investigator inboxes. */
  async listForInboxes(inboxIds: string[], filter: DisclosureFilter = {}): Promise<DisclosureRecord[]> {
    if (inboxIds.length === 0) return [];
    const where = [`d.inbox_id IN (${inboxIds.map(() => '?').join(', ')})`, "d.state IN ('approved', 'fetched')"];
    return this.select(where, [...inboxIds], filter);
  }

  async sealedBytes(id: string): Promise<Uint8Array | null> {
    return (await this.db.first<{ sealed: Uint8Array }>('SELECT sealed FROM disclosures WHERE id = ?', [id]))?.sealed ?? null;
  }

  async reviewBytes(id: string): Promise<Uint8Array | null> {
    return (await this.db.first<{ review: Uint8Array }>('SELECT review FROM disclosures WHERE id = ?', [id]))?.review ?? null;
  }

  private async select(where: string[], params: string[], filter: DisclosureFilter): Promise<DisclosureRecord[]> {
    if (filter.ref) {
      where.push('w.ref = ?');
      params.push(filter.ref);
    }
    if (filter.witness) {
      where.push('d.witness = ?');
      params.push(filter.witness);
    }
    if (filter.state) {
      where.push('d.state = ?');
      params.push(filter.state);
    }
    const rows = await this.db.all<Row>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY d.requested_at DESC, d.id LIMIT 500`, params);
    return this.withEvents(rows);
  }

  private async withEvents(rows: Row[]): Promise<DisclosureRecord[]> {
    const events = new Map<string, DisclosureEvent[]>();
    // In slices: D1 takes at most 100 bound parameters per statement.
    for (let i = 0; i < rows.length; i += 50) {
      const ids = rows.slice(i, i + 50).map((r) => r.id);
      const found = await this.db.all<{ disclosure_id: string; action: DisclosureAction; member_id: string; at: number }>(
        `SELECT disclosure_id, action, member_id, at FROM disclosure_events WHERE disclosure_id IN (${ids.map(() => '?').join(', ')}) ORDER BY seq`,
        ids,
      );
      for (const e of found) {
        const list = events.get(e.disclosure_id) ?? [];
        list.push({ action: e.action, memberId: e.member_id, at: e.at });
        events.set(e.disclosure_id, list);
      }
    }
    return rows.map((r) => ({
      id: r.id,
      witness: r.witness,
      ref: r.ref,
      inboxId: r.inbox_id,
      requestedBy: r.requested_by,
      requestedAt: r.requested_at,
      state: r.state,
      encryptedSha256: r.encrypted_sha256,
      size: r.size,
      events: events.get(r.id) ?? [],
    }));
  }
}
