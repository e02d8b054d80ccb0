// What the city's figures are computed from (issue 15 §4): stored metadata only — the category,
// received bucket and status of reports — counted per closed ISO week, and frozen in stats_weeks
// the first time a closed week is counted (migrations/0007_casework.sql), so a published figure
// never changes afterwards.

import { sql, type SqlDriver, type Statement } from './driver.ts';

const FROZEN = '*';

export class FigureStore {
  constructor(private readonly db: SqlDriver) {}

  async earliestBucket(): Promise<number | null> {
    return (await this.db.first<{ b: number | null }>('SELECT MIN(received_bucket) AS b FROM reports'))?.b ?? null;
  }

  /** Frozen counts of the weeks in [from, to): week → category → count. */
  async frozen(from: number, to: number): Promise<Map<number, Record<string, number>>> {
    const rows = await this.db.all<{ week: number; category: string; n: number }>(
      'SELECT week, category, n FROM stats_weeks WHERE week >= ? AND week < ?',
      [from, to],
    );
    const out = new Map<number, Record<string, number>>();
    for (const r of rows) {
      const week = out.get(r.week) ?? {};
      if (r.category !== FROZEN) week[r.category] = r.n;
      out.set(r.week, week);
    }
    return out;
  }

  async countWeek(week: number, end: number): Promise<Record<string, number>> {
    const rows = await this.db.all<{ category: string; n: number }>(
      'SELECT category, COUNT(*) AS n FROM reports WHERE received_bucket >= ? AND received_bucket < ? GROUP BY category',
      [week, end],
    );
    return Object.fromEntries(rows.map((r) => [r.category, r.n]));
  }

  freezeStatements(week: number, counts: Record<string, number>): Statement[] {
    return [
      sql('INSERT OR IGNORE INTO stats_weeks (week, category, n) VALUES (?, ?, 0)', week, FROZEN),
      ...Object.entries(counts).map(([category, n]) =>
        sql('INSERT OR IGNORE INTO stats_weeks (week, category, n) VALUES (?, ?, ?)', week, category, n),
      ),
    ];
  }

  /** Current status of the reports received before `before`. */
  async statuses(before: number): Promise<Record<string, number>> {
    const rows = await this.db.all<{ status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM reports WHERE received_bucket < ? GROUP BY status',
      [before],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}
