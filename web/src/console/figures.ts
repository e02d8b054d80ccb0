// The city's figures in the console (issue 15 §4), for analysts and auditors: counts per category
// for each closed week and month, and per status, as the server suppressed them (a count under k
// reads "< k"; every total is the sum of the shown counts), a bar chart of the weekly totals drawn
// here in SVG (no library), and the CSV download. Each load and each download is logged; no
// report is ever fetched (DESIGN promise 8).

import { getFigures, getFiguresCsv } from '../../../src/client/staff.ts';
import type { Cell, FigureRow, Figures } from '../../../src/core/figures.ts';
import { el } from '../staff/dom.ts';
import { categoryLabel, type ConsoleContext } from './context.ts';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function cellText(f: Figures, c: Cell): string {
  return c === null ? `< ${f.k}` : String(c);
}

function table(ctx: ConsoleContext, f: Figures, id: string, caption: string, rows: FigureRow[]): HTMLElement {
  const { t } = ctx;
  return el(
    'table',
    { class: 'reports figures', id },
    el('caption', {}, caption),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, t('figures.period')),
        ...f.categories.map((c) => el('th', { scope: 'col' }, categoryLabel(ctx, c))),
        el('th', { scope: 'col' }, t('figures.totalShown')),
      ),
    ),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, r.period),
          ...f.categories.map((c) => el('td', { class: r.cells[c] === null ? 'hidden-count' : 'count' }, cellText(f, r.cells[c] ?? null))),
          el('td', { class: r.total === null ? 'hidden-count' : 'count' }, cellText(f, r.total)),
        ),
      ),
    ),
  );
}

function chart(ctx: ConsoleContext, f: Figures): SVGElement {
  const width = 640;
  const height = 200;
  const max = Math.max(1, ...f.weeks.map((w) => w.total ?? 0));
  const bar = f.weeks.length ? width / f.weeks.length : width;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height + 20}`, width: '100%', role: 'img', id: 'figures-chart' });
  root.append(svg('title', {}, ctx.t('figures.chart')));
  f.weeks.forEach((w, i) => {
    const h = ((w.total ?? 0) / max) * height;
    const rect = svg('rect', { x: i * bar + 1, y: height - h, width: Math.max(1, bar - 2), height: h, fill: '#1d4f91' });
    rect.append(svg('title', {}, `${w.period} : ${cellText(f, w.total)}`));
    root.append(rect);
  });
  root.append(svg('line', { x1: 0, y1: height, x2: width, y2: height, stroke: '#333' }));
  if (f.weeks[0]) root.append(svg('text', { x: 0, y: height + 15, 'font-size': 12 }, f.weeks[0].period));
  const last = f.weeks[f.weeks.length - 1];
  if (last) root.append(svg('text', { x: width, y: height + 15, 'font-size': 12, 'text-anchor': 'end' }, last.period));
  return root;
}

export async function showFigures(ctx: ConsoleContext): Promise<void> {
  const { t } = ctx;
  const app = document.getElementById('app') as HTMLElement;
  const f = await ctx.session.call((api) => getFigures(api));
  const heading = el('h1', { tabindex: '-1' }, t('figures.title'));
  const download = el('button', { type: 'button', class: 'secondary', id: 'figures-csv' }, t('figures.csv'));
  const link = el('p', { id: 'figures-csv-link' });
  download.addEventListener('click', async () => {
    const csv = await ctx.session.call((api) => getFiguresCsv(api));
    const a = el(
      'a',
      { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: 'relais-chiffres.csv' },
      t('figures.csvSave'),
    );
    link.replaceChildren(a);
    a.click();
  });
  const statuses = el(
    'table',
    { class: 'reports figures', id: 'figures-status' },
    el('caption', {}, t('figures.byStatus')),
    el(
      'tbody',
      {},
      ...Object.entries(f.statuses).map(([s, c]) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, t(`status.${s as 'received' | 'in-progress' | 'closed'}`)),
          el('td', { class: c === null ? 'hidden-count' : 'count' }, cellText(f, c)),
        ),
      ),
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, t('figures.totalShown')),
        el('td', { class: f.statusTotal === null ? 'hidden-count' : 'count' }, cellText(f, f.statusTotal)),
      ),
    ),
  );
  app.replaceChildren(
    heading,
    el('p', { id: 'figures-method' }, t('figures.method', { k: f.k })),
    el('section', { class: 'panel' }, el('h2', {}, t('figures.chart')), chart(ctx, f)),
    table(ctx, f, 'figures-weeks', t('figures.byWeek'), f.weeks),
    table(ctx, f, 'figures-months', t('figures.byMonth'), f.months),
    statuses,
    el('div', { class: 'actions' }, download, link),
  );
  heading.focus();
}
