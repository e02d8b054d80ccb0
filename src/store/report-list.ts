// The staff list of reports at scale (issue 15 §1, issue 16 item 3): views (all, open, unread,
// mine), two sorts (received bucket, last activity), filters, and search by reference or witness
// number, each read from one index per inbox — inbox_reports, or the member's unread_reports
// (migrations/0007_casework.sql) — so that page 1 costs the same at 1,000 and at 100,000 reports.
// A view's total comes from the counters the triggers keep (list_counts); a count with a filter,
// a search or several inboxes stops at COUNT_CAP and then says "more than", which keeps it as
// cheap as the page. Only reports routed to the member's inboxes are ever read (promise 8).
// What waits in the staging area until its bucket closes (issue 13, staging.ts) is merged in:
// staged reports (staged_inbox_reports: received, unassigned, unread for all) and reports with a
// resident's message still staged (unread for all, active at the message's bucket) — a bucket's
// worth of rows, read apart and added to each inbox's rows and counts.

import { ALPHABET } from '../core/refs.ts';
import type { ReportStatus, ReportSummary } from '../core/wire.ts';
import { sql, type SqlDriver, type SqlValue, type Statement } from './driver.ts';

export const COUNT_CAP = 1000;
/** Witness numbers a search looks at (D1 binds at most 100 parameters per statement). */
const SEARCH_CANDIDATES = 50;
/** References per statement when reading a page's rows, for the same reason. */
const CHUNK = 50;
export const LIST_VIEWS = ['all', 'open', 'unread', 'mine'] as const;
export type ListView = (typeof LIST_VIEWS)[number];
export const LIST_SORTS = ['received', 'activity'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

export interface ListQuery {
  inboxIds: string[];
  memberId: string;
  view?: ListView;
  sort?: ListSort;
  category?: string;
  status?: ReportStatus;
  /** kept for the old `unread=1` parameter: the same as view "unread" */
  unreadOnly?: boolean;
  /** a reference or witness number, whole or its first characters (normalised by normaliseSearch) */
  search?: { kind: 'ref' | 'witness'; prefix: string };
  limit: number;
  offset: number;
}

export interface ListResult {
  /** exact up to COUNT_CAP; `totalCapped` says there are more */
  total: number;
  totalCapped: boolean;
  reports: ReportSummary[];
}

/**
 * "r-ab12 cd" → { kind: 'ref', prefix: 'R-AB12-CD' }: upper case, Crockford's readings of O, I
 * and L, dashes put back where they belong. Null when it cannot be the start of a reference or
 * witness number (at least 4 of its characters).
 */
export function normaliseSearch(input: string): ListQuery['search'] | null {
  const raw = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const m = /^([RW])(.*)$/.exec(raw);
  if (!m) return null;
  const kind = m[1] === 'R' ? 'ref' : 'witness';
  const body = m[2] as string;
  const max = kind === 'ref' ? 12 : 8;
  if (body.length < 4 || body.length > max || [...body].some((ch) => !ALPHABET.includes(ch))) return null;
  const groups = body.match(/.{1,4}/g) as string[];
  return { kind, prefix: `${m[1]}-${groups.join('-')}` };
}

interface SummaryRow {
  ref: string;
  category: string;
  received_bucket: number;
  status: ReportStatus;
  activity: number | null;
  assignee: string | null;
  attachments: number;
  read: number;
  witness: string | null;
}

export class ReportList {
  constructor(private readonly db: SqlDriver) {}

  async list(q: ListQuery): Promise<ListResult> {
    if (q.inboxIds.length === 0) return { total: 0, totalCapped: false, reports: [] };
    const view: ListView = q.unreadOnly ? 'unread' : (q.view ?? 'all');
    const sortColumn = (q.sort ?? 'received') === 'activity' ? 'activity' : 'received_bucket';
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.search?.kind === 'ref') {
      where.push('ir.ref >= ? AND ir.ref < ?');
      params.push(q.search.prefix, `${q.search.prefix}~`);
    } else if (q.search) {
      // Witness numbers first, from their own primary key; then only those reports.
      const found = await this.db.all<{ ref: string }>('SELECT ref FROM all_witnesses WHERE number >= ? AND number < ? LIMIT ?', [
        q.search.prefix,
        `${q.search.prefix}~`,
        SEARCH_CANDIDATES,
      ]);
      if (found.length === 0) return { total: 0, totalCapped: false, reports: [] };
      where.push(`ir.ref IN (${found.map(() => '?').join(', ')})`);
      params.push(...found.map((r) => r.ref));
    }
    // "open" and the two open statuses read the partial indexes of reports not closed.
    if (view === 'open' || q.status === 'received' || q.status === 'in-progress') where.push(`ir.status <> 'closed'`);
    if (q.status) {
      where.push('ir.status = ?');
      params.push(q.status);
    }
    if (q.category) {
      where.push('ir.category = ?');
      params.push(q.category);
    }
    if (view === 'mine') {
      where.push('ir.assignee = ?');
      params.push(q.memberId);
    }
    const filter = where.map((w) => ` AND ${w}`).join('');

    // Each inbox gives its first offset+limit rows from its own index (the member's unread rows
    // for "unread"); merged, a report routed to two of the member's inboxes counted once. The
    // merged first page is within their union.
    const want = q.offset + q.limit;
    const seen = new Map<string, number>();
    const unread = view === 'unread';
    for (const inbox of q.inboxIds) {
      const rows = await this.db.all<{ ref: string; k: number }>(
        unread
          ? `SELECT u.ref, u.${sortColumn} AS k FROM unread_reports u JOIN inbox_reports ir ON ir.inbox_id = u.inbox_id AND ir.ref = u.ref
             WHERE u.member_id = ? AND u.inbox_id = ?${filter} ORDER BY u.${sortColumn} DESC, u.ref DESC LIMIT ?`
          : `SELECT ir.ref, ir.${sortColumn} AS k FROM inbox_reports ir WHERE ir.inbox_id = ?${filter}
             ORDER BY ir.${sortColumn} DESC, ir.ref DESC LIMIT ?`,
        unread ? [q.memberId, inbox, ...params, want] : [inbox, ...params, want],
      );
      for (const r of rows) seen.set(r.ref, Math.max(seen.get(r.ref) ?? r.k, r.k));
      for (const r of await this.stagedRows(inbox, view, sortColumn, filter, params, want))
        seen.set(r.ref, Math.max(seen.get(r.ref) ?? r.k, r.k));
    }
    const page = [...seen.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0))
      .slice(q.offset, want)
      .map(([ref]) => ref);

    const exact =
      q.inboxIds.length === 1 && !q.search && !q.category
        ? await this.exactCount(q.inboxIds[0] as string, view, q).then(async (n) =>
            n === null ? null : n + (await this.stagedCount(q.inboxIds, view, q.memberId, filter, params)),
          )
        : null;
    let n = exact;
    if (n === null) {
      const marks = q.inboxIds.map(() => '?').join(', ');
      const counted = await this.db.first<{ n: number }>(
        unread
          ? `SELECT COUNT(*) AS n FROM (SELECT DISTINCT u.ref FROM unread_reports u JOIN inbox_reports ir ON ir.inbox_id = u.inbox_id AND ir.ref = u.ref
             WHERE u.member_id = ? AND u.inbox_id IN (${marks})${filter} LIMIT ?)`
          : `SELECT COUNT(*) AS n FROM (SELECT DISTINCT ir.ref FROM inbox_reports ir WHERE ir.inbox_id IN (${marks})${filter} LIMIT ?)`,
        unread ? [q.memberId, ...q.inboxIds, ...params, COUNT_CAP + 1] : [...q.inboxIds, ...params, COUNT_CAP + 1],
      );
      // Staged rows are a bucket's worth: counted apart.
      if (counted) counted.n += await this.stagedCount(q.inboxIds, view, q.memberId, filter, params);
      n = counted?.n ?? 0;
    }
    const capped = exact === null && n > COUNT_CAP;
    return { total: capped ? COUNT_CAP : n, totalCapped: capped, reports: await this.summaries(page, q.inboxIds, q.memberId) };
  }

  /**
   * Rows of one inbox still in the staging area, for a view: staged reports (none is assigned),
   * and for the unread view and the activity sort the reports with a resident's message staged.
   */
  private async stagedRows(
    inbox: string,
    view: ListView,
    sortColumn: string,
    filter: string,
    params: SqlValue[],
    want: number,
  ): Promise<{ ref: string; k: number }[]> {
    if (view === 'mine') return [];
    const reports = await this.db.all<{ ref: string; k: number }>(
      `SELECT ir.ref, ir.${sortColumn} AS k FROM staged_inbox_reports ir WHERE ir.inbox_id = ?${filter} ORDER BY ir.${sortColumn} DESC, ir.ref DESC LIMIT ?`,
      [inbox, ...params, want],
    );
    if (view !== 'unread' && sortColumn !== 'activity') return reports;
    const messaged = await this.db.all<{ ref: string; k: number }>(
      `SELECT ir.ref, ${sortColumn === 'activity' ? 'MAX(ir.activity, MAX(m.at))' : 'ir.received_bucket'} AS k
       FROM staged_messages m JOIN inbox_reports ir ON ir.ref = m.ref AND ir.inbox_id = ?
       WHERE m.author = 'resident'${filter} GROUP BY ir.ref ORDER BY k DESC LIMIT ?`,
      [inbox, ...params, want],
    );
    return [...reports, ...messaged];
  }

  /** How many reports of these inboxes are still in the staging area for a view (see stagedRows), each once. */
  private async stagedCount(inboxIds: string[], view: ListView, memberId: string, filter: string, params: SqlValue[]): Promise<number> {
    if (view === 'mine') return 0;
    const marks = inboxIds.map(() => '?').join(', ');
    const staged = await this.db.first<{ n: number }>(
      `SELECT COUNT(DISTINCT ir.ref) AS n FROM staged_inbox_reports ir WHERE ir.inbox_id IN (${marks})${filter}`,
      [...inboxIds, ...params],
    );
    if (view !== 'unread') return staged?.n ?? 0;
    // Reports a staged resident message makes unread, not already among the member's unread rows.
    const messaged = await this.db.first<{ n: number }>(
      `SELECT COUNT(DISTINCT ir.ref) AS n FROM staged_messages m JOIN inbox_reports ir ON ir.ref = m.ref AND ir.inbox_id IN (${marks})
       WHERE m.author = 'resident'${filter}
         AND NOT EXISTS (SELECT 1 FROM unread_reports u WHERE u.member_id = ? AND u.ref = ir.ref)`,
      [...inboxIds, ...params, memberId],
    );
    return (staged?.n ?? 0) + (messaged?.n ?? 0);
  }

  /** A view's total from the counters the triggers keep (one inbox, no category or search), or null. */
  private async exactCount(inbox: string, view: ListView, q: ListQuery): Promise<number | null> {
    const rows = await this.db.all<{ key: string; n: number }>('SELECT key, n FROM list_counts WHERE inbox_id = ?', [inbox]);
    const get = (key: string) => rows.find((r) => r.key === key)?.n ?? 0;
    const statuses = q.status ? [q.status] : view === 'open' ? ['received', 'in-progress'] : ['received', 'in-progress', 'closed'];
    if (view === 'open' && q.status === 'closed') return 0;
    if (view === 'all' || view === 'open') return statuses.reduce((a, s) => a + get(`status:${s}`), 0);
    if (q.status) return null;
    return get(view === 'mine' ? `assignee:${q.memberId}` : `unread:${q.memberId}`);
  }

  /** The rows of one page, in the order given. */
  async summaries(refs: string[], inboxIds: string[], memberId: string): Promise<ReportSummary[]> {
    const rows: SummaryRow[] = [];
    for (let i = 0; i < refs.length; i += CHUNK) rows.push(...(await this.summaryRows(refs.slice(i, i + CHUNK), inboxIds, memberId)));
    const byRef = new Map(rows.map((r) => [r.ref, r]));
    return refs.flatMap((ref) => {
      const r = byRef.get(ref);
      if (!r) return [];
      return [
        {
          ref: r.ref,
          category: r.category,
          receivedBucket: r.received_bucket,
          status: r.status,
          activity: r.activity ?? r.received_bucket,
          assignee: r.assignee,
          attachments: r.attachments,
          read: r.read === 1,
          witness: r.witness,
        },
      ];
    });
  }

  assignStatement(ref: string, inboxId: string, memberId: string | null): Statement {
    return sql('UPDATE inbox_reports SET assignee = ? WHERE ref = ? AND inbox_id = ?', memberId, ref, inboxId);
  }

  /** Marks the conversation seen up to message `idx` by a member (never moves back). */
  seenStatement(ref: string, memberId: string, idx: number): Statement {
    return sql(
      'INSERT INTO message_seen (ref, member_id, upto) VALUES (?, ?, ?) ON CONFLICT (ref, member_id) DO UPDATE SET upto = MAX(upto, excluded.upto)',
      ref,
      memberId,
      idx,
    );
  }

  /** The last message index the member had opened (-1: none). */
  async seenUpTo(ref: string, memberId: string): Promise<number> {
    const row = await this.db.first<{ upto: number }>('SELECT upto FROM message_seen WHERE ref = ? AND member_id = ?', [ref, memberId]);
    return row?.upto ?? -1;
  }

  private summaryRows(refs: string[], inboxIds: string[], memberId: string): Promise<SummaryRow[]> {
    const refMarks = refs.map(() => '?').join(', ');
    const inboxMarks = inboxIds.map(() => '?').join(', ');
    return this.db.all<SummaryRow>(
      `SELECT r.ref, r.category, r.received_bucket, r.status,
         MAX(COALESCE((SELECT MAX(ir.activity) FROM inbox_reports ir WHERE ir.ref = r.ref AND ir.inbox_id IN (${inboxMarks})), r.received_bucket),
             COALESCE((SELECT MAX(m.at) FROM staged_messages m WHERE m.ref = r.ref AND m.author = 'resident'), 0)) AS activity,
         (SELECT MIN(ir.assignee) FROM inbox_reports ir WHERE ir.ref = r.ref AND ir.inbox_id IN (${inboxMarks})) AS assignee,
         (SELECT COUNT(*) FROM all_parts p WHERE p.ref = r.ref AND p.role = 'attachment') AS attachments,
         EXISTS (SELECT 1 FROM report_reads rr WHERE rr.ref = r.ref AND rr.member_id = ?)
           AND NOT EXISTS (SELECT 1 FROM staged_messages m WHERE m.ref = r.ref AND m.author = 'resident') AS read,
         (SELECT w.number FROM all_witnesses w WHERE w.ref = r.ref) AS witness
       FROM all_reports r WHERE r.ref IN (${refMarks})`,
      [...inboxIds, ...inboxIds, memberId, ...refs],
    );
  }

  /**
   * Records the log index of the report.received entry appended just before in the same batch
   * (the highest index: a batch is atomic, and appends within it are in order).
   */
  receiptEntryStatement(ref: string): Statement {
    return sql('INSERT OR REPLACE INTO receipt_entries (ref, entry_idx) SELECT ?, MAX(idx) FROM audit_entries', ref);
  }

  async receiptEntry(ref: string): Promise<number | null> {
    return (await this.db.first<{ entry_idx: number }>('SELECT entry_idx FROM receipt_entries WHERE ref = ?', [ref]))?.entry_idx ?? null;
  }

  /**
   * Whether an inbox got a report, or a resident message on one of its reports, in the buckets
   * [start, end): read from the bucket indexes, stopping at the first row.
   */
  async hasActivity(inboxId: string, start: number, end: number): Promise<boolean> {
    const report = await this.db.first(
      'SELECT 1 AS x FROM inbox_reports WHERE inbox_id = ? AND received_bucket >= ? AND received_bucket < ? LIMIT 1',
      [inboxId, start, end],
    );
    if (report) return true;
    const message = await this.db.first(
      `SELECT 1 AS x FROM messages m JOIN inbox_reports ir ON ir.ref = m.ref AND ir.inbox_id = ?
       WHERE m.author = 'resident' AND m.at >= ? AND m.at < ? LIMIT 1`,
      [inboxId, start, end],
    );
    return message !== null;
  }

  /** Records a notice for (recipient, period); false if one was already recorded. */
  async claimNotice(recipient: string, period: number): Promise<boolean> {
    return (await this.db.run('INSERT OR IGNORE INTO notices_sent (member_id, period) VALUES (?, ?)', [recipient, period])).changes === 1;
  }

  /**
   * Writes the inboxes' members as the running config has them: a member who joins an inbox
   * finds its reports they never opened unread; one who leaves takes their unread rows along.
   * Idempotent, so that several processes starting at once (Workers isolates) agree.
   */
  async syncMembers(pairs: { inboxId: string; memberId: string }[]): Promise<void> {
    const key = (p: { inboxId: string; memberId: string }) => `${p.inboxId}\n${p.memberId}`;
    const stored = (await this.db.all<{ inbox_id: string; member_id: string }>('SELECT inbox_id, member_id FROM inbox_members')).map(
      (r) => ({ inboxId: r.inbox_id, memberId: r.member_id }),
    );
    const wanted = new Set(pairs.map(key));
    const have = new Set(stored.map(key));
    const statements: Statement[] = [];
    for (const p of stored.filter((x) => !wanted.has(key(x))))
      statements.push(
        sql('DELETE FROM inbox_members WHERE inbox_id = ? AND member_id = ?', p.inboxId, p.memberId),
        sql('DELETE FROM unread_reports WHERE inbox_id = ? AND member_id = ?', p.inboxId, p.memberId),
      );
    for (const p of pairs.filter((x) => !have.has(key(x))))
      statements.push(
        sql('INSERT OR IGNORE INTO inbox_members (inbox_id, member_id) VALUES (?, ?)', p.inboxId, p.memberId),
        sql(
          `INSERT OR IGNORE INTO unread_reports (member_id, inbox_id, ref, received_bucket, activity)
           SELECT ?, ir.inbox_id, ir.ref, ir.received_bucket, ir.activity FROM inbox_reports ir
           WHERE ir.inbox_id = ? AND NOT EXISTS (SELECT 1 FROM report_reads rr WHERE rr.ref = ir.ref AND rr.member_id = ?)`,
          p.memberId,
          p.inboxId,
          p.memberId,
        ),
      );
    if (statements.length > 0) await this.db.batch(statements);
  }

  /** The assignee of a report in each of these inboxes (inboxes it was not routed to are absent). */
  async assignees(ref: string, inboxIds: string[]): Promise<Record<string, string | null>> {
    if (inboxIds.length === 0) return {};
    const rows = await this.db.all<{ inbox_id: string; assignee: string | null }>(
      `SELECT inbox_id, assignee FROM inbox_reports WHERE ref = ? AND inbox_id IN (${inboxIds.map(() => '?').join(', ')})`,
      [ref, ...inboxIds],
    );
    return Object.fromEntries(rows.map((r) => [r.inbox_id, r.assignee]));
  }
}
