// The verified entries (DESIGN promise 7, issue 6 item 4): filters (actor, action, report
// reference, date range), the table of matching entries in pages, a summary of entries per actor
// and action, and an export of exactly the filtered entries as CSV or JSON. It is only ever built
// from a `verified` outcome, whose entries are the very strings the worker hashed. Staff times are
// shown to the second; report-received entries only as the bucket they fall in, never more
// precisely. Each page of the table is built off the document, then swapped in.

import { el } from '../staff/dom.ts';
import type { AuditorContext } from './context.ts';
import { offerDownload } from './download.ts';
import { filterRows, NO_FILTER, summarize, text, toCsv, toJson, valuesOf, type Filter, type Row } from './entries.ts';
import type { Verified } from './protocol.ts';

const PER_PAGE = 100;

function whenCell(ctx: AuditorContext, row: Row): HTMLElement {
  const time = text(row.time);
  const bucket = text(row.bucket);
  const at = time ?? bucket;
  const date = at === null ? Number.NaN : Date.parse(at);
  if (at === null || Number.isNaN(date)) return el('td', {}, '—');
  if (time !== null)
    return el(
      'td',
      {},
      el('time', { datetime: time }, new Intl.DateTimeFormat(ctx.lang, { dateStyle: 'short', timeStyle: 'medium' }).format(date)),
    );
  const from = new Intl.DateTimeFormat(ctx.lang, { dateStyle: 'short', timeStyle: 'short' }).format(date);
  return el('td', { class: 'bucket' }, el('time', { datetime: at }, ctx.t('audit.when.bucket', { from })));
}

function cell(value: unknown): HTMLElement {
  if (value === null || value === undefined) return el('td', {}, '');
  return el('td', {}, typeof value === 'string' ? value : JSON.stringify(value));
}

/** Local midnight of a yyyy-mm-dd date input, plus `days`; NaN when empty. */
function dayStart(value: string, days: number): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return Number.NaN;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + days).getTime();
}

/** `rows` are those of `verified.entries` (entries.ts rowsOf), and nothing else. */
export function entriesView(ctx: AuditorContext, verified: Verified, rows: Row[]): HTMLElement {
  const { t } = ctx;
  let shown: Row[] = rows;
  let page = 1;

  const options = (values: string[], any: string) => [
    el('option', { value: '' }, any),
    ...values.map((v) => el('option', { value: v }, v)),
  ];
  const actor = el('select', { id: 'filter-actor' }, ...options(valuesOf(rows, 'actor'), t('audit.filter.any')));
  const action = el('select', { id: 'filter-action' }, ...options(valuesOf(rows, 'action'), t('audit.filter.any')));
  const report = el('input', { type: 'text', id: 'filter-report', autocomplete: 'off', spellcheck: 'false' });
  const from = el('input', { type: 'date', id: 'filter-from' });
  const to = el('input', { type: 'date', id: 'filter-to' });
  const field = (input: HTMLElement, id: string, label: string) => el('div', { class: 'field' }, el('label', { for: id }, label), input);
  const reset = el('button', { type: 'reset', class: 'secondary', id: 'filter-reset' }, t('audit.filter.reset'));
  const filters = el(
    'form',
    { class: 'filters panel', id: 'audit-filters', 'aria-label': t('audit.filters') },
    field(actor, 'filter-actor', t('audit.filter.actor')),
    field(action, 'filter-action', t('audit.filter.action')),
    field(report, 'filter-report', t('audit.filter.report')),
    field(from, 'filter-from', t('audit.filter.from')),
    field(to, 'filter-to', t('audit.filter.to')),
    el('button', { type: 'submit', class: 'secondary', id: 'filter-apply' }, t('audit.filter.apply')),
    reset,
  );
  const count = el('p', { id: 'filter-count', role: 'status' });
  const csv = el('button', { type: 'button', class: 'secondary', id: 'export-csv' }, t('audit.export.csv'));
  const json = el('button', { type: 'button', class: 'secondary', id: 'export-json' }, t('audit.export.json'));
  const stem = `relais-journal-${verified.size}`;
  csv.addEventListener('click', () => offerDownload(`${stem}.csv`, toCsv(shown), 'text/csv'));
  json.addEventListener('click', () => offerDownload(`${stem}.json`, toJson(shown), 'application/json'));
  const tableHolder = el('div', { id: 'entries-holder' });
  const summaryHolder = el('div', { id: 'summary-holder' });

  function renderPage(): void {
    const pages = Math.max(1, Math.ceil(shown.length / PER_PAGE));
    page = Math.min(Math.max(1, page), pages);
    if (shown.length === 0) {
      tableHolder.replaceChildren(el('p', { id: 'entries-empty' }, t('audit.empty')));
      return;
    }
    const first = (page - 1) * PER_PAGE;
    const slice = shown.slice(first, first + PER_PAGE);
    const body = el('tbody');
    for (const r of slice) {
      body.append(
        el(
          'tr',
          { 'data-index': String(r.index) },
          el('td', {}, String(r.index)),
          whenCell(ctx, r),
          cell(r.action),
          cell(r.actor),
          cell(r.report),
          cell(r.inbox),
          cell(r.details),
        ),
      );
    }
    const headers = (
      [
        'audit.col.index',
        'audit.col.when',
        'audit.col.action',
        'audit.col.actor',
        'audit.col.report',
        'audit.col.inbox',
        'audit.col.details',
      ] as const
    ).map((k) => el('th', { scope: 'col' }, t(k)));
    const table = el(
      'table',
      { class: 'reports log', id: 'audit-entries' },
      el(
        'caption',
        { id: 'entries-caption' },
        t('audit.table.caption', { first: first + 1, last: first + slice.length, shown: shown.length }),
      ),
      el('thead', {}, el('tr', {}, ...headers)),
      body,
    );
    const previous = el('button', { type: 'button', class: 'secondary', id: 'entries-previous', disabled: page <= 1 }, t('audit.previous'));
    const next = el('button', { type: 'button', class: 'secondary', id: 'entries-next', disabled: page >= pages }, t('audit.next'));
    previous.addEventListener('click', () => {
      page -= 1;
      renderPage();
    });
    next.addEventListener('click', () => {
      page += 1;
      renderPage();
    });
    const label = t('audit.page', { page, pages });
    tableHolder.replaceChildren(
      el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'entries-caption' }, table),
      el('nav', { class: 'pager', 'aria-label': label }, previous, el('span', {}, label), next),
    );
  }

  function renderSummary(): void {
    const body = el('tbody');
    for (const c of summarize(shown))
      body.append(el('tr', {}, el('td', {}, c.actor), el('td', {}, c.action), el('td', { class: 'count' }, String(c.count))));
    const headers = (['audit.col.actor', 'audit.col.action', 'audit.summary.count'] as const).map((k) => el('th', { scope: 'col' }, t(k)));
    summaryHolder.replaceChildren(
      shown.length
        ? el(
            'table',
            { class: 'reports summary', id: 'audit-summary' },
            el('caption', {}, t('audit.summary.caption', { shown: shown.length })),
            el('thead', {}, el('tr', {}, ...headers)),
            body,
          )
        : el('p', {}, t('audit.empty')),
    );
  }

  function apply(filter: Filter): void {
    shown = filterRows(rows, filter);
    page = 1;
    count.textContent = t('audit.filter.count', { shown: shown.length, total: rows.length });
    csv.disabled = json.disabled = shown.length === 0;
    renderPage();
    renderSummary();
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    apply({ actor: actor.value, action: action.value, report: report.value, fromMs: dayStart(from.value, 0), toMs: dayStart(to.value, 1) });
  });
  filters.addEventListener('reset', () => setTimeout(() => apply(NO_FILTER)));
  apply(NO_FILTER);

  return el(
    'section',
    { id: 'audit-log', 'aria-labelledby': 'entries-title' },
    el('h2', { id: 'entries-title' }, t('audit.entries.title')),
    filters,
    count,
    el('div', { class: 'row', id: 'exports' }, csv, json),
    el('p', { class: 'hint' }, t('audit.export.hint')),
    tableHolder,
    el('h2', { id: 'summary-title' }, t('audit.summary.title')),
    summaryHolder,
  );
}
