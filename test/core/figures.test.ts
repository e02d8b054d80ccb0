// The suppression of small counts in the city's figures (issue 15 §4), on tables of known
// answers: no shown number under k, totals that are sums of shown cells only (so no total minus
// shown cells gives back a hidden one), months made of their weeks' shown cells, complementary
// suppression per status, ISO weeks and their months.
import { describe, expect, it } from 'vitest';
import { figuresCsv, monthOfWeek, suppressFigures, weekStart } from '../../src/core/figures.ts';

const day = 86_400;
const w1 = Date.UTC(2026, 10, 2) / 1000; // Monday 2 November 2026
const weeks = new Map<number, Record<string, number>>([
  [w1, { a: 12, b: 3, c: 0 }],
  [w1 + 7 * day, { a: 5, b: 9, c: 4 }],
  [w1 + 28 * day, { a: 1, b: 2 }],
]);

describe('suppressing small counts', () => {
  const f = suppressFigures({ k: 5, categories: ['a', 'b', 'c'], weeks, statuses: { received: 3, 'in-progress': 9, closed: 20 } });

  it('hides every cell under k, zero included, and shows the rest as they are', () => {
    expect(f.weeks.map((w) => w.cells)).toEqual([
      { a: 12, b: null, c: null },
      { a: 5, b: 9, c: null },
      { a: null, b: null, c: null },
    ]);
  });

  it('makes every total the sum of shown cells, and hides a total of zero', () => {
    expect(f.weeks.map((w) => w.total)).toEqual([12, 14, null]);
    expect(f.categoryTotals).toEqual({ a: 17, b: 9, c: null });
    expect(f.total).toBe(26);
    // no total minus its shown cells leaves anything: hidden cells cannot be recovered
    for (const w of f.weeks) expect((w.total ?? 0) - Object.values(w.cells).reduce<number>((s, c) => s + (c ?? 0), 0)).toBe(0);
  });

  it('builds months from the shown cells of the weeks whose Thursday falls in them', () => {
    expect(f.months).toEqual([
      { period: '2026-11', cells: { a: 17, b: 9, c: null }, total: 26 },
      { period: '2026-12', cells: { a: null, b: null, c: null }, total: null },
    ]);
  });

  it('hides a second status when only one is under k, so the total cannot give it back', () => {
    expect(f.statuses).toEqual({ received: null, 'in-progress': null, closed: 20 });
    expect(f.statusTotal).toBe(20);
  });

  it('never writes a number under k in the CSV', () => {
    const numbers = figuresCsv(f)
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(',')[3] as string)
      .filter((v) => /^[0-9]+$/.test(v))
      .map(Number);
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.every((n) => n >= 5)).toBe(true);
    expect(figuresCsv(f)).toContain('week,2026-11-02,b,<5');
  });
});

describe('ISO weeks', () => {
  it.each([
    ['Thursday 1 Jan 1970', 0, -3 * day],
    ['Monday 2 Nov 2026 at noon', w1 + day / 2, w1],
    ['Sunday 8 Nov 2026 23:59', w1 + 7 * day - 60, w1],
  ])('puts %s in the week starting on its Monday', (_name, t, start) => expect(weekStart(t)).toBe(start));

  it('gives a week to the month of its Thursday', () => {
    // Monday 30 November 2026 → Thursday 3 December
    expect(monthOfWeek(Date.UTC(2026, 10, 30) / 1000)).toBe('2026-12');
    expect(monthOfWeek(w1)).toBe('2026-11');
  });
});
