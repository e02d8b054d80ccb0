// The verified entries as rows (DESIGN promise 7, issue 6 item 4): parsed from the canonical JSON
// of src/core/audit-entry.ts into the columns of `relais audit export` (index, time, bucket,
// action, actor, report, inbox, details), filtered by actor, action, report reference and date,
// counted per actor and action, and written as CSV or JSON exactly as the command writes them.
// Pure functions, no DOM: the page and the tests share them.

export const COLUMNS = ['index', 'time', 'bucket', 'action', 'actor', 'report', 'inbox', 'details'] as const;

export interface Row {
  index: number;
  /** exact time of a staff or system event (ISO 8601, to the second) */
  time: unknown;
  /** start of the time bucket of a report-received event (ISO 8601): never more precise */
  bucket: unknown;
  action: unknown;
  actor: unknown;
  report: unknown;
  inbox: unknown;
  details: unknown;
}

/** A field as text, or null if it is missing or not a string (a verified entry may still be odd). */
export const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Entry `index` as a row, as `relais audit export` makes it (values as they are in the entry);
 * an entry that is not a JSON object keeps its text in `details`.
 */
export function rowOf(index: number, entry: string): Row {
  let e: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(entry);
    e = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { details: entry };
  } catch {
    e = { details: entry };
  }
  return { index, time: e.time ?? null, bucket: e.bucket ?? null, action: e.action ?? null, actor: e.actor ?? null, report: e.report ?? null, inbox: e.inbox ?? null, details: e.details ?? null };
}

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

/** A CSV cell; a cell a spreadsheet would run as a formula (= + - @ tab CR) gets a leading '. */
export function csvCell(value: unknown): string {
  let cell = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(cell)) cell = `'${cell}`;
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function toCsv(rows: readonly Row[]): string {
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(','))].map((l) => `${l}\r\n`).join('');
}

export function toJson(rows: readonly Row[]): string {
  return `${JSON.stringify(rows, null, 1)}\n`;
}
