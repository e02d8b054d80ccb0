// The verified entries in the auditor page (DESIGN promise 7, issue 6 item 4): rows as
// src/client/audit-rows.ts makes them for `relais audit export` too, filtered by actor, action,
// report reference and date, and counted per actor and action. Pure functions, no DOM: the page
// and the tests share them.

import { rowOf, text, type Row } from '../../../src/client/audit-rows.ts';

export { COLUMNS, csvCell, rowOf, text, toCsv, toJson, type Row } from '../../../src/client/audit-rows.ts';

/** All entries as rows, a slice at a time, so that a large log does not freeze the page. */
export async function rowsOf(entries: readonly string[], slice = 20_000): Promise<Row[]> {
  const rows: Row[] = new Array(entries.length);
  for (let start = 0; start < entries.length; start += slice) {
    if (start > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const end = Math.min(entries.length, start + slice);
    for (let i = start; i < end; i++) rows[i] = rowOf(i, entries[i] as string);
  }
  return rows;
}

export interface Filter {
  actor: string;
  action: string;
  /** part of a report reference, any case */
  report: string;
  /** inclusive start and exclusive end, in ms since the epoch; NaN for no bound */
  fromMs: number;
  toMs: number;
}

export const NO_FILTER: Filter = { actor: '', action: '', report: '', fromMs: Number.NaN, toMs: Number.NaN };

/** When the event happened: its time, or the start of its bucket. */
export function instantOf(row: Row): number {
  return Date.parse(text(row.time) ?? text(row.bucket) ?? '');
}

export function filterRows(rows: readonly Row[], filter: Filter): Row[] {
  const report = filter.report.trim().toUpperCase();
  const from = filter.fromMs;
  const to = filter.toMs;
  return rows.filter((r) => {
    if (filter.actor && r.actor !== filter.actor) return false;
    if (filter.action && r.action !== filter.action) return false;
    if (report && !(text(r.report) ?? '').toUpperCase().includes(report)) return false;
    if (!Number.isNaN(from) || !Number.isNaN(to)) {
      const at = instantOf(r);
      if (Number.isNaN(at) || at < from || at >= to) return false;
    }
    return true;
  });
}

/** The distinct non-empty values of one column, sorted. */
export function valuesOf(rows: readonly Row[], column: 'actor' | 'action'): string[] {
  return [...new Set(rows.map((r) => text(r[column])).filter((v): v is string => v !== null))].sort();
}

export interface Count {
  actor: string;
  action: string;
  count: number;
}

/** Entries per actor and action, sorted by actor then action. */
export function summarize(rows: readonly Row[]): Count[] {
  const counts = new Map<string, Count>();
  for (const r of rows) {
    const actor = text(r.actor) ?? '(none)';
    const action = text(r.action) ?? '(none)';
    const key = `${actor}\u0000${action}`;
    const c = counts.get(key);
    if (c) c.count += 1;
    else counts.set(key, { actor, action, count: 1 });
  }
  return [...counts.values()].sort((a, b) => a.actor.localeCompare(b.actor) || a.action.localeCompare(b.action));
}
