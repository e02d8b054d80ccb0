// The city's figures with small counts suppressed (issue 15 §4; DESIGN "analyst"): pure
// functions from counts of reports per category and closed ISO week to the tables an analyst
// sees. The method (SECURITY.md "The city's figures"):
//   - a week × category cell under k (zero included) is not shown;
//   - every total is the sum of the cells shown, never of the true counts, so no total minus
//     shown cells gives back a hidden one (row, column, grand totals alike);
//   - a month is the sum of the shown cells of the weeks whose Thursday falls in it (ISO 8601
//     weeks belong to the month of their Thursday), so a month minus its weeks is zero, and a
//     month is either 0 — shown as hidden too — or at least k;
//   - only closed weeks appear, and their counts are frozen when first computed (the store's
//     stats_weeks), so figures never change from one day to the next, not even when retention
//     deletes old reports;
//   - per status, a single hidden cell would be the known total minus the others: a second cell,
//     the smallest shown one, is hidden with it (complementary suppression).

export const WEEK_SECONDS = 7 * 86_400;

/** Monday 00:00 UTC of the ISO week containing `seconds`. */
export function weekStart(seconds: number): number {
  const day = Math.floor(seconds / 86_400);
  // 1970-01-01 was a Thursday: day 0 → weekday 3 (Monday = 0)
  const weekday = (day + 3) % 7;
  return (day - weekday) * 86_400;
}

/** "2026-11" for the month an ISO week belongs to (the month of its Thursday). */
export function monthOfWeek(week: number): string {
  const thursday = new Date((week + 3 * 86_400) * 1000);
  return `${thursday.getUTCFullYear()}-${String(thursday.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** null: hidden (under k). */
export type Cell = number | null;

export interface FigureRow {
  period: string;
  cells: Record<string, Cell>;
  /** the sum of the shown cells (null when none is shown: a 0 would be a count under k) */
  total: Cell;
}

export interface Figures {
  k: number;
  categories: string[];
  weeks: FigureRow[];
  months: FigureRow[];
  /** per category, the sum of its shown week cells */
  categoryTotals: Record<string, Cell>;
  total: Cell;
  statuses: Record<string, Cell>;
  statusTotal: Cell;
}

export function suppressFigures(input: {
  k: number;
  categories: string[];
  /** week start → category → true count */
  weeks: Map<number, Record<string, number>>;
  statuses: Record<string, number>;
}): Figures {
  const { k, categories } = input;
  const shown = (n: number | undefined): Cell => (n !== undefined && n >= k ? n : null);
  // A sum of shown cells is 0 or at least k; 0 is shown as hidden, like any count under k.
  const total = (cells: Cell[]): Cell => {
    const n = cells.reduce<number>((a, c) => a + (c ?? 0), 0);
    return n > 0 ? n : null;
  };
  const sum = (cells: Record<string, Cell>) => total(Object.values(cells));

  const weeks: FigureRow[] = [];
  const months = new Map<string, Record<string, number>>();
  for (const [week, counts] of [...input.weeks.entries()].sort((a, b) => a[0] - b[0])) {
    const cells = Object.fromEntries(categories.map((c) => [c, shown(counts[c])]));
    weeks.push({ period: isoDate(week), cells, total: sum(cells) });
    const month = months.get(monthOfWeek(week)) ?? Object.fromEntries(categories.map((c) => [c, 0]));
    for (const c of categories) month[c] = (month[c] as number) + (cells[c] ?? 0);
    months.set(monthOfWeek(week), month);
  }
  const monthRows = [...months.entries()].map(([period, counts]) => {
    const cells = Object.fromEntries(categories.map((c) => [c, (counts[c] as number) > 0 ? (counts[c] as number) : null]));
    return { period, cells, total: sum(cells) };
  });
  const categoryTotals = Object.fromEntries(categories.map((c) => [c, total(weeks.map((w) => w.cells[c] ?? null))]));

  const statuses: Record<string, Cell> = Object.fromEntries(Object.entries(input.statuses).map(([s, n]) => [s, shown(n)]));
  const hidden = Object.values(statuses).filter((c) => c === null).length;
  if (hidden === 1) {
    const smallest = Object.entries(statuses)
      .filter(([, c]) => c !== null)
      .sort((a, b) => (a[1] as number) - (b[1] as number))[0];
    if (smallest) statuses[smallest[0]] = null;
  }
  return {
    k,
    categories,
    weeks,
    months: monthRows,
    categoryTotals,
    total: total(weeks.map((w) => w.total)),
    statuses,
    statusTotal: sum(statuses),
  };
}

/** The figures as CSV: kind,period,category,count — a hidden cell reads "<k". */
export function figuresCsv(f: Figures): string {
  const cell = (c: Cell) => (c === null ? `<${f.k}` : String(c));
  const lines = ['kind,period,category,count'];
  for (const w of f.weeks) {
    for (const c of f.categories) lines.push(`week,${w.period},${c},${cell(w.cells[c] ?? null)}`);
    lines.push(`week,${w.period},total-shown,${cell(w.total)}`);
  }
  for (const m of f.months) {
    for (const c of f.categories) lines.push(`month,${m.period},${c},${cell(m.cells[c] ?? null)}`);
    lines.push(`month,${m.period},total-shown,${cell(m.total)}`);
  }
  for (const [s, c] of Object.entries(f.statuses)) lines.push(`status,all-closed-weeks,${s},${cell(c)}`);
  lines.push(`status,all-closed-weeks,total-shown,${cell(f.statusTotal)}`);
  return `${lines.join('\n')}\n`;
}
