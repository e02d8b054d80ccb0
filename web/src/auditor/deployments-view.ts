// The deployed-code history on the auditor page (DESIGN promise 11, issue 12): every
// `site.deployed` entry of the verified log, newest first, with when the server started with that
// code, its version, its source commit and the manifest hash — the hash a city publishes and
// `relais check-site` compares. Built only from verified rows, like the entries below it.

import { groupedHash } from '../../../src/core/site-manifest.ts';
import { el } from '../staff/dom.ts';
import type { AuditorContext } from './context.ts';
import { text, type Row } from './entries.ts';

interface Deployed {
  index: number;
  time: string | null;
  manifest: string | null;
  version: string | null;
  commit: string | null;
}

/** The site.deployed rows, newest first. */
export function deploymentsOf(rows: readonly Row[]): Deployed[] {
  const out: Deployed[] = [];
  for (const row of rows) {
    if (row.action !== 'site.deployed') continue;
    const d = (typeof row.details === 'object' && row.details !== null ? row.details : {}) as Record<string, unknown>;
    out.push({ index: row.index, time: text(row.time), manifest: text(d.manifest), version: text(d.version), commit: text(d.commit) });
  }
  return out.reverse();
}

export function deploymentsView(ctx: AuditorContext, rows: readonly Row[]): HTMLElement {
  const { t } = ctx;
  const deployed = deploymentsOf(rows);
  const when = (time: string | null) => {
    const ms = time === null ? Number.NaN : Date.parse(time);
    if (time === null || Number.isNaN(ms)) return el('td', {}, '—');
    return el(
      'td',
      {},
      el('time', { datetime: time }, new Intl.DateTimeFormat(ctx.lang, { dateStyle: 'short', timeStyle: 'medium' }).format(ms)),
    );
  };
  const body = deployed.map((d) =>
    el(
      'tr',
      {},
      el('td', {}, String(d.index)),
      when(d.time),
      el('td', {}, d.version ?? '—'),
      el('td', { class: 'hash' }, d.commit ?? t('audit.deployments.noCommit')),
      el('td', { class: 'hash' }, d.manifest ? groupedHash(d.manifest) : '—'),
    ),
  );
  return el(
    'section',
    { class: 'panel', id: 'deployments', 'aria-labelledby': 'deployments-title' },
    el('h2', { id: 'deployments-title' }, t('audit.deployments.title')),
    el('p', {}, t('audit.deployments.intro')),
    deployed.length === 0
      ? el('p', { id: 'deployments-none' }, t('audit.deployments.none'))
      : el(
          'table',
          {},
          el('caption', { class: 'visually-hidden' }, t('audit.deployments.title')),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...(['index', 'when', 'version', 'commit', 'manifest'] as const).map((c) =>
                el('th', { scope: 'col' }, t(`audit.deployments.col.${c}`)),
              ),
            ),
          ),
          el('tbody', {}, ...body),
        ),
  );
}
