// The inbox at scale (issue 15 §1): search by reference or witness number; the views "all",
// "open" (every status but closed), "unread" and "mine"; sort by received bucket or by last
// activity; filters by category and status; pages of 50, 100 or 200; a checkbox per row for a
// bulk status change (logged per report); and, only when the officer asks, a decrypted preview
// line for the reports of this page (each a real, logged read), decrypted here and never sent
// anywhere. Times are shown as their bucket, never more precise. The table is built off the
// document, so 200 rows appear at once.

import { fetchSealedPart, getReport, listReports, type ReportList, setStatuses } from '../../../src/client/staff.ts';
import { openSealedPart } from '../../../src/core/seal.ts';
import type { ReportStatus } from '../../../src/core/wire.ts';
import { el } from '../staff/dom.ts';
import { bucketRange, categoryLabel, type ConsoleContext } from './context.ts';

const STATUSES: ReportStatus[] = ['received', 'in-progress', 'closed'];
const VIEWS = ['all', 'open', 'unread', 'mine'] as const;
const SORTS = ['received', 'activity'] as const;

export async function showInbox(ctx: ConsoleContext, openReport: (ref: string) => void): Promise<void> {
  const { t, list } = ctx;
  const app = document.getElementById('app') as HTMLElement;
  const result: ReportList | null = await ctx.session
    .call((api) =>
      listReports(api, {
        page: list.page,
        perPage: list.perPage,
        view: list.view,
        sort: list.sort,
        ...(list.q ? { q: list.q } : {}),
        ...(list.category ? { category: list.category } : {}),
        ...(list.status ? { status: list.status as ReportStatus } : {}),
      }),
    )
    .catch((e: unknown) => {
      if (list.q) return null;
      throw e;
    });
  const reload = (): void => void showInbox(ctx, openReport);

  const searchInput = el('input', { id: 'search', type: 'search', autocomplete: 'off', value: list.q, spellcheck: 'false' });
  const searchForm = el(
    'form',
    { class: 'panel search', id: 'search-form', role: 'search' },
    el('label', { for: 'search' }, t('inbox.search')),
    searchInput,
    el('button', { type: 'submit', class: 'secondary' }, t('inbox.searchButton')),
    list.q ? el('button', { type: 'button', class: 'secondary', id: 'search-clear' }, t('inbox.searchClear')) : null,
  );
  searchForm.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(list, { q: searchInput.value.trim(), page: 1 });
    reload();
  });
  searchForm.querySelector('#search-clear')?.addEventListener('click', () => {
    Object.assign(list, { q: '', page: 1 });
    reload();
  });

  const select = (id: string, options: [string, string][], current: string) =>
    el('select', { id }, ...options.map(([value, label]) => el('option', { value, selected: value === current }, label)));
  const view = select(
    'filter-view',
    VIEWS.map((v) => [v, t(`inbox.view.${v}`)]),
    list.view,
  );
  const sort = select(
    'filter-sort',
    SORTS.map((s) => [s, t(`inbox.sort.${s}`)]),
    list.sort,
  );
  const category = select(
    'filter-category',
    [['', t('inbox.any')], ...ctx.config.categories.map((c): [string, string] => [c.id, categoryLabel(ctx, c.id)])],
    list.category,
  );
  const status = select(
    'filter-status',
    [['', t('inbox.any')], ...STATUSES.map((s): [string, string] => [s, t(`status.${s}`)])],
    list.status,
  );
  const perPage = select(
    'filter-per-page',
    [50, 100, 200].map((n) => [String(n), String(n)]),
    String(list.perPage),
  );
  const field = (id: string, label: string, control: HTMLElement) =>
    el('div', { class: 'field' }, el('label', { for: id }, label), control);
  const filters = el(
    'form',
    { class: 'filters panel', id: 'filters', 'aria-label': t('inbox.filters') },
    field('filter-view', t('inbox.view'), view),
    field('filter-sort', t('inbox.sort'), sort),
    field('filter-category', t('inbox.category'), category),
    field('filter-status', t('inbox.status'), status),
    field('filter-per-page', t('inbox.perPage'), perPage),
    el('button', { type: 'submit', class: 'secondary' }, t('inbox.apply')),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(list, {
      view: view.value,
      sort: sort.value,
      category: category.value,
      status: status.value,
      perPage: Number(perPage.value),
      page: 1,
    });
    reload();
  });

  const heading = el('h1', { tabindex: '-1' }, t('inbox.title'));
  if (!result) {
    app.replaceChildren(heading, searchForm, el('p', { id: 'reports-empty', role: 'alert' }, t('inbox.searchInvalid')));
    heading.focus();
    return;
  }

  const pages = result.totalCapped ? list.page + 1 : Math.max(1, Math.ceil(result.total / result.perPage));
  const body = el('tbody');
  const checks: HTMLInputElement[] = [];
  const previewCells = new Map<string, HTMLElement>();
  for (const r of result.reports) {
    const open = el('button', { type: 'button', class: 'secondary', 'data-ref': r.ref }, t('inbox.open'));
    open.addEventListener('click', () => openReport(r.ref));
    const check = el('input', { type: 'checkbox', class: 'pick', value: r.ref, 'aria-label': t('inbox.pick', { ref: r.ref }) });
    checks.push(check);
    const preview = el('span', { class: 'preview' });
    previewCells.set(r.ref, preview);
    body.append(
      el(
        'tr',
        { class: r.read ? undefined : 'unread', 'data-ref': r.ref, 'data-bucket': String(r.receivedBucket) },
        el('td', {}, check),
        // A witness request shows its W- number: the only name investigators know the witness by.
        el(
          'td',
          {},
          r.ref,
          r.witness ? el('br') : null,
          r.witness ? el('span', { class: 'witness-number' }, r.witness) : null,
          r.read ? null : ' ',
          r.read ? null : el('span', { class: 'badge' }, t('inbox.new')),
          el('br'),
          preview,
        ),
        el('td', {}, categoryLabel(ctx, r.category)),
        el('td', { class: 'received' }, bucketRange(ctx, r.receivedBucket)),
        el('td', { class: 'activity' }, bucketRange(ctx, r.activity)),
        el('td', { class: 'status' }, t(`status.${r.status}`)),
        el('td', { class: 'assignee' }, r.assignee ? memberName(ctx, r.assignee) : '—'),
        el('td', {}, String(r.attachments)),
        el('td', {}, open),
      ),
    );
  }
  const count = result.totalCapped ? t('inbox.countMore', { total: result.total }) : t('inbox.count', { total: result.total });
  const columns = [
    'inbox.col.ref',
    'inbox.col.category',
    'inbox.col.received',
    'inbox.col.activity',
    'inbox.col.status',
    'inbox.col.assignee',
    'inbox.col.attachments',
  ] as const;
  const table = result.reports.length
    ? el(
        'table',
        { class: 'reports', id: 'reports' },
        el('caption', { class: 'count' }, count),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'col' }, el('span', { class: 'skip-label' }, t('inbox.col.pick'))),
            ...columns.map((k) => el('th', { scope: 'col' }, t(k))),
            el('th', { scope: 'col' }, el('span', { class: 'skip-label' }, t('inbox.open'))),
          ),
        ),
        body,
      )
    : el('p', { id: 'reports-empty' }, t('inbox.empty'));

  // Bulk status change: the checked reports of this page, one logged change each.
  const bulkStatus = select(
    'bulk-status',
    STATUSES.map((s) => [s, t(`status.${s}`)]),
    'closed',
  );
  const bulkMessage = el('p', { id: 'bulk-message', role: 'status' });
  const bulk = el(
    'form',
    { class: 'panel bulk', id: 'bulk-form' },
    field('bulk-status', t('inbox.bulk.status'), bulkStatus),
    el('button', { type: 'submit', class: 'secondary', id: 'bulk-apply' }, t('inbox.bulk.apply')),
    bulkMessage,
  );
  bulk.addEventListener('submit', async (e) => {
    e.preventDefault();
    const refs = checks.filter((c) => c.checked).map((c) => c.value);
    if (refs.length === 0) {
      bulkMessage.textContent = t('inbox.bulk.none');
      return;
    }
    await ctx.session.call((api) => setStatuses(api, refs, bulkStatus.value as ReportStatus));
    reload();
  });

  // Previews: asked for, decrypted in this page, one logged read per report.
  const previews = el('button', { type: 'button', class: 'secondary', id: 'show-previews' }, t('inbox.previews'));
  previews.addEventListener('click', async () => {
    previews.disabled = true;
    const key = ctx.session.privateKey();
    for (const r of result.reports) {
      const cell = previewCells.get(r.ref) as HTMLElement;
      const detail = await ctx.session.call((api) => getReport(api, r.ref));
      const part = detail.parts.find((p) => p.role === 'report');
      if (!part) continue;
      const sealed = await ctx.session.call((api) => fetchSealedPart(api, r.ref, part.idx));
      const envelope = await openSealedPart(sealed, key).catch(() => null);
      const text = envelope ? new TextDecoder().decode(envelope.content) : '';
      const line = text.split('\n').find((l) => l.trim()) ?? '';
      cell.textContent = envelope ? (line.length > 90 ? `${line.slice(0, 90)}…` : line) : t('report.error.decrypt');
    }
  });

  const previous = el('button', { type: 'button', class: 'secondary', disabled: list.page <= 1 }, t('inbox.previous'));
  const next = el('button', { type: 'button', class: 'secondary', disabled: list.page >= pages }, t('inbox.next'));
  previous.addEventListener('click', () => {
    list.page -= 1;
    reload();
  });
  next.addEventListener('click', () => {
    list.page += 1;
    reload();
  });
  const pageLabel = result.totalCapped ? t('inbox.pageOf', { page: list.page }) : t('inbox.page', { page: list.page, pages });
  const parts: (HTMLElement | null)[] = [
    heading,
    searchForm,
    filters,
    result.reports.length ? el('div', { class: 'actions' }, previews, el('p', { class: 'hint' }, t('inbox.previewsHint'))) : null,
    table,
    result.reports.length ? bulk : null,
    el('nav', { class: 'pager', 'aria-label': pageLabel }, previous, el('span', {}, pageLabel), next),
  ];
  app.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  heading.focus();
}

function memberName(ctx: ConsoleContext, id: string): string {
  return id === ctx.session.member.id ? ctx.t('inbox.me') : id;
}
