// Audit-log entries as rows (DESIGN promise 7, issue 6): the canonical JSON of
// src/core/audit-entry.ts in the columns of an export (index, time, bucket, action, actor, report,
// inbox, details), written as CSV or JSON. Runtime-neutral: `relais audit export` and the auditor
// page use these same functions, so both write the same bytes. CSV cells that a spreadsheet would
// run as a formula (= + - @ tab CR) get a leading '.

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

/** Entry `index` as a row (values as they are); an entry that is not a JSON object keeps its text in `details`. */
export function rowOf(index: number, entry: string): Row {
  let e: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(entry);
    e = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { details: entry };
  } catch {
    e = { details: entry };
  }
  return {
    index,
    time: e.time ?? null,
    bucket: e.bucket ?? null,
    action: e.action ?? null,
    actor: e.actor ?? null,
    report: e.report ?? null,
    inbox: e.inbox ?? null,
    details: e.details ?? null,
  };
}

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
