// The conversation on a report (DESIGN "Flows: Follow-up"): sealed parts in order, written by the
// resident (time stored as the bucket only) or by staff (exact time, their member id). A
// resident's message, its attachment bytes included, waits in the staging area until its time
// bucket closes (staging.ts, promise 2); staff messages, whose times are no secret, go to the
// main tables at once (on a report settled first: Store.settle). Reads find messages wherever
// they are (the all_messages view); both kinds are numbered across both places.

import { randomBytes, toBase64Url } from '../core/bytes.ts';
import { sql, type SqlDriver, type Statement } from './driver.ts';
import type { StagedBlobs } from './staging.ts';
import type { MessageInfo, MessageKind, ReportStatus } from '../core/wire.ts';
import { rewrite, type SealedRewrite } from './reports.ts';

export type { MessageInfo, MessageKind } from '../core/wire.ts';

export interface NewMessage {
  author: 'resident' | 'staff';
  memberId: string | null;
  kind: MessageKind;
  status: ReportStatus | null;
  at: number;
  /** null only for a status change without explanation */
  bytes: Uint8Array | null;
}

export class MessageRepository {
  constructor(
    private readonly db: SqlDriver,
    private readonly blobs: StagedBlobs,
  ) {}

  /** Statements appending a resident's messages to a report, in order, into the staging area, attachment bytes included. */
  residentStatements(ref: string, messages: Omit<NewMessage, 'author' | 'memberId'>[]): Statement[] {
    const statements: Statement[] = [];
    for (const m of messages) {
      let blobKey: string | null = null;
      if (m.kind === 'attachment' && m.bytes) {
        blobKey = toBase64Url(randomBytes(18));
        statements.push(...this.blobs.statements(blobKey, m.bytes));
      }
      statements.push(this.insert('staged_messages', ref, { ...m, author: 'resident', memberId: null }, blobKey));
    }
    return statements;
  }

  /**
   * Statements appending staff messages to a report in the main tables, in order (the report must
   * be settled: Store.settle). Attachments are put in the blob store first; their keys are
   * returned so the caller can delete them if the batch fails.
   */
  async appendStatements(ref: string, messages: NewMessage[]): Promise<{ statements: Statement[]; blobKeys: string[] }> {
    const statements: Statement[] = [];
    const blobKeys: string[] = [];
    for (const m of messages) {
      let blobKey: string | null = null;
      if (m.kind === 'attachment' && m.bytes) {
        blobKey = toBase64Url(randomBytes(18));
        await this.blobs.store.put(blobKey, m.bytes);
        blobKeys.push(blobKey);
      }
      statements.push(this.insert('messages', ref, m, blobKey));
    }
    return { statements, blobKeys };
  }

  private insert(table: 'messages' | 'staged_messages', ref: string, m: NewMessage, blobKey: string | null): Statement {
    return sql(
      `INSERT INTO ${table} (ref, idx, author, member_id, kind, status, at, size, data, blob_key)
       VALUES (?, (SELECT COALESCE(MAX(idx), -1) + 1 FROM all_messages WHERE ref = ?), ?, ?, ?, ?, ?, ?, ?, ?)`,
      ref,
      ref,
      m.author,
      m.memberId,
      m.kind,
      m.status,
      m.at,
      m.bytes?.length ?? 0,
      blobKey ? null : m.bytes,
      blobKey,
    );
  }

  async list(ref: string, kinds: MessageKind[]): Promise<MessageInfo[]> {
    const rows = await this.db.all<{
      idx: number;
      author: 'resident' | 'staff';
      member_id: string | null;
      kind: MessageKind;
      status: ReportStatus | null;
      at: number;
      size: number;
    }>(
      `SELECT idx, author, member_id, kind, status, at, size FROM all_messages WHERE ref = ? AND kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY idx`,
      [ref, ...kinds],
    );
    return rows.map((r) => ({
      idx: r.idx,
      author: r.author,
      memberId: r.member_id,
      kind: r.kind,
      status: r.status,
      at: r.at,
      size: r.size,
    }));
  }

  async get(ref: string, idx: number): Promise<(MessageInfo & { bytes: Uint8Array | null }) | null> {
    const r = await this.db.first<{
      idx: number;
      author: 'resident' | 'staff';
      member_id: string | null;
      kind: MessageKind;
      status: ReportStatus | null;
      at: number;
      size: number;
      data: Uint8Array | null;
      blob_key: string | null;
    }>('SELECT idx, author, member_id, kind, status, at, size, data, blob_key FROM all_messages WHERE ref = ? AND idx = ?', [ref, idx]);
    if (!r) return null;
    const bytes = r.data ?? (r.blob_key ? await this.blobs.get(r.blob_key) : null);
    return { idx: r.idx, author: r.author, memberId: r.member_id, kind: r.kind, status: r.status, at: r.at, size: r.size, bytes };
  }

  /** As ReportRepository.rewriteSealedStatements, for a message of the conversation (staged or not). */
  async rewriteSealedStatements(ref: string, idx: number, bytes: Uint8Array): Promise<SealedRewrite | null> {
    for (const table of ['messages', 'staged_messages'] as const) {
      const row = await this.db.first<{ data: Uint8Array | null; blob_key: string | null }>(
        `SELECT data, blob_key FROM ${table} WHERE ref = ? AND idx = ?`,
        [ref, idx],
      );
      if (row) return row.data === null && row.blob_key === null ? null : rewrite(this.blobs, table, ref, idx, row, bytes);
    }
    return null;
  }
}
