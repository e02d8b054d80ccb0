// The inbox (issue "officer console" §2): reports routed to the officer's inboxes, newest bucket
// first, with category, bucket, status, attachment count and an unread flag; filters by category,
// status and unread; pages of 50, 100 or 200. The table is built once per page, off the document, so 200 rows
// appear at once.

import { listReports, type ReportList } from '../../../src/client/staff.ts';
import type { ReportStatus } from '../../../src/core/wire.ts';
import { el } from '../staff/dom.ts';
import { bucketText, categoryLabel, type ConsoleContext } from './context.ts';

const STATUSES: ReportStatus[] = ['received', 'in-progress', 'closed'];

export async function showInbox(ctx: ConsoleContext, openReport: (ref: string) => void): Promise<void> {
  const { t, list } = ctx;
  const app = document.getElementById('app') as HTMLElement;
  const result: ReportList = await ctx.session.call((api) =>
    listReports(api, {
      page: list.page,
      perPage: list.perPage,
      ...(list.category ? { category: list.category } : {}),
      ...(list.status ? { status: list.status as ReportStatus } : {}),
      unread: list.unread,
    }),
  );

  const category = el(
    'select',
    { id: 'filter-category' },
    el('option', { value: '' }, t('inbox.any')),
    ...ctx.config.categories.map((c) => el('option', { value: c.id, selected: c.id === list.category }, categoryLabel(ctx, c.id))),
  );
  const status = el(
    'select',
    { id: 'filter-status' },
    el('option', { value: '' }, t('inbox.any')),
    ...STATUSES.map((s) => el('option', { value: s, selected: s === list.status }, t(`status.${s}`))),
  );
  const unread = el('input', { type: 'checkbox', id: 'filter-unread', checked: list.unread });
  const perPage = el(
    'select',
    { id: 'filter-per-page' },
    ...[50, 100, 200].map((n) => el('option', { value: String(n), selected: n === list.perPage }, String(n))),
  );
  const filters = el(
    'form',
    { class: 'filters panel', id: 'filters', 'aria-label': t('inbox.filters') },
    el('div', { class: 'field' }, el('label', { for: 'filter-category' }, t('inbox.category')), category),
    el('div', { class: 'field' }, el('label', { for: 'filter-status' }, t('inbox.status')), status),
    el('label', { class: 'choice', for: 'filter-unread' }, unread, el('span', {}, t('inbox.unreadOnly'))),
    el('div', { class: 'field' }, el('label', { for: 'filter-per-page' }, t('inbox.perPage')), perPage),
    el('button', { type: 'submit', class: 'secondary' }, t('inbox.apply')),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(list, {
      category: category.value,
      status: status.value,
      unread: unread.checked,
      perPage: Number(perPage.value),
      page: 1,
    });
    void showInbox(ctx, openReport);
  });

  const pages = Math.max(1, Math.ceil(result.total / result.perPage));
  const body = el('tbody');
  for (const r of result.reports) {
    const when = bucketText(ctx, r.receivedBucket);
    const open = el('button', { type: 'button', class: 'secondary', 'data-ref': r.ref }, t('inbox.open'));
    open.addEventListener('click', () => openReport(r.ref));
    body.append(
      el(
        'tr',
        { class: r.read ? undefined : 'unread', 'data-bucket': String(r.receivedBucket) },
        // A witness request shows its W- number: the only name investigators know the witness by.
        el(
          'td',
          {},
          r.ref,
          r.witness ? el('br') : null,
          r.witness ? el('span', { class: 'witness-number' }, r.witness) : null,
          r.read ? null : ' ',
          r.read ? null : el('span', { class: 'badge' }, t('inbox.new')),
        ),
        el('td', {}, categoryLabel(ctx, r.category)),
        el('td', {}, `${when.from} – ${when.to.split(' ').pop()}`),
        el('td', {}, t(`status.${r.status}`)),
        el('td', {}, String(r.attachments)),
        el('td', {}, open),
      ),
    );
  }
  const table = result.reports.length
    ? el(
        'table',
        { class: 'reports', id: 'reports' },
        el('caption', { class: 'count' }, t('inbox.count', { total: result.total })),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...(['inbox.col.ref', 'inbox.col.category', 'inbox.col.received', 'inbox.col.status', 'inbox.col.attachments'] as const).map(
              (k) => el('th', { scope: 'col' }, t(k)),
            ),
            el('th', { scope: 'col' }, el('span', { class: 'skip-label' }, t('inbox.open'))),
          ),
        ),
        body,
      )
    : el('p', { id: 'reports-empty' }, t('inbox.empty'));
  const previous = el('button', { type: 'button', class: 'secondary', disabled: list.page <= 1 }, t('inbox.previous'));
  const next = el('button', { type: 'button', class: 'secondary', disabled: list.page >= pages }, t('inbox.next'));
  previous.addEventListener('click', () => {
    list.page -= 1;
    void showInbox(ctx, openReport);
  });
  next.addEventListener('click', () => {
    list.page += 1;
    void showInbox(ctx, openReport);
  });
  const heading = el('h1', { tabindex: '-1' }, t('inbox.title'));
  app.replaceChildren(
    heading,
    filters,
    table,
    el(
      'nav',
      { class: 'pager', 'aria-label': t('inbox.page', { page: list.page, pages }) },
      previous,
      el('span', {}, t('inbox.page', { page: list.page, pages })),
      next,
    ),
  );
  heading.focus();
}
