// The verdict of a verification run (DESIGN promise 7, issue 6 item 4), which takes the focus:
// either "verified up to size N, root …" (with the updated state to download and whether it
// extends the auditor's previous state), or what is wrong — bad signature, wrong origin, rollback,
// fork, a missing or changed entry with its index — with the verifier's own message and the
// served checkpoint to keep as evidence. A failed or unfinished run shows no entry at all.

import type { StaffKey } from '../../i18n/staff/index.ts';
import { el } from '../staff/dom.ts';
import type { AuditorContext } from './context.ts';
import { offerDownload } from './download.ts';
import type { Failed, Outcome, Verified } from './protocol.ts';

function verified(ctx: AuditorContext, v: Verified): HTMLElement[] {
  const { t } = ctx;
  const own = `member:${ctx.session.member.id}`;
  // As `relais audit verify`: the auditor's own login (just before this run) must be in the new entries.
  const from = v.previous ?? 0;
  // Canonical JSON sorts keys, so an entry starts with its action and actor.
  const login = `{"action":"staff.login","actor":${JSON.stringify(own)}`;
  const ownLogin = v.entries.slice(from).some((e) => e.startsWith(login));
  const download = el('button', { type: 'button', class: 'secondary', id: 'download-state' }, t('audit.ok.downloadState'));
  download.addEventListener('click', () => offerDownload('relais-audit-state.json', v.state, 'application/json'));
  const nodes: (HTMLElement | null)[] = [
    el('h2', { id: 'verdict-title' }, t('audit.ok.title', { size: v.size })),
    el('p', {}, t('audit.ok.body', { size: v.size, origin: v.origin, key: v.keyName })),
    el('p', { id: 'verdict-root' }, t('audit.ok.root'), ' ', el('code', {}, v.root)),
    el('p', { id: 'verdict-state' }, v.previous === null ? t('audit.ok.firstRun') : t('audit.ok.extends', { previous: v.previous })),
    ownLogin || v.size === from ? null : el('p', { class: 'notice', id: 'own-login-warning' }, t('audit.ok.ownLogin')),
    el('p', {}, t('audit.ok.compare')),
    download,
  ];
  return nodes.filter((n): n is HTMLElement => n !== null);
}

function failureText(ctx: AuditorContext, f: Failed): string {
  const { t } = ctx;
  switch (f.code) {
    case 'state':
      return t(`audit.fail.state.${f.stateProblem ?? 'not-state'}`);
    case 'missing-entry':
    case 'changed-entry':
      return f.index === null ? t('audit.fail.changed-entry-unnamed') : t(`audit.fail.${f.code}`, { index: f.index });
    default:
      return t(`audit.fail.${f.code}` as StaffKey);
  }
}

function failed(ctx: AuditorContext, f: Failed, served: string | null): HTMLElement[] {
  const { t } = ctx;
  const input = f.code === 'log-key' || f.code === 'state';
  const nodes: HTMLElement[] = [
    el('h2', { id: 'verdict-title' }, t(input ? 'audit.input.title' : 'audit.fail.title')),
    el('p', { id: 'verdict-reason' }, failureText(ctx, f)),
    el('p', { class: 'hint', id: 'verdict-detail' }, t('audit.fail.detail', { message: f.message })),
  ];
  if (input) return nodes;
  nodes.push(el('p', { id: 'verdict-none' }, t('audit.fail.none')), el('p', {}, t('audit.fail.evidence')));
  if (served) {
    const keep = el('button', { type: 'button', class: 'secondary', id: 'download-checkpoint' }, t('audit.fail.downloadCheckpoint'));
    keep.addEventListener('click', () => offerDownload('relais-checkpoint-served.txt', served, 'text/plain'));
    nodes.push(keep);
  }
  return nodes;
}

export function verdictView(ctx: AuditorContext, outcome: Outcome, served: string | null): HTMLElement {
  const { t } = ctx;
  const kind = outcome.type === 'verified' ? 'ok' : 'failed';
  const body =
    outcome.type === 'verified'
      ? verified(ctx, outcome)
      : outcome.type === 'failed'
        ? failed(ctx, outcome, served)
        : [
            el('h2', { id: 'verdict-title' }, t('audit.error.title')),
            el('p', { id: 'verdict-reason' }, t('audit.error.body', { message: outcome.message })),
          ];
  return el(
    'section',
    {
      class: `panel verdict ${kind}`,
      id: 'verdict',
      tabindex: '-1',
      'aria-labelledby': 'verdict-title',
      'data-verdict': outcome.type === 'failed' ? outcome.code : outcome.type,
    },
    ...body,
  );
}
