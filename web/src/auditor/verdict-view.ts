// The verdict of a verification run (DESIGN promise 7, issues 6 and 11), which takes the focus:
// either "verified up to size N, root …" (with the cosignatures and their age, the page's own
// login, the rules checked with their counts, the updated state to download and whether it extends
// the auditor's previous state), or what is wrong — bad signature, wrong origin, rollback, fork, a
// missing or changed entry or stored hash or proof, missing or stale cosignatures, the own login
// absent, a broken rule with its entry — with the verifier's own message and the served checkpoint
// to keep as evidence. A failed or unfinished run shows no entry at all.

import type { StaffKey } from '../../i18n/staff/index.ts';
import { el } from '../staff/dom.ts';
import type { AuditorContext } from './context.ts';
import { offerDownload } from './download.ts';
import type { Failed, Outcome, Verified } from './protocol.ts';

function verified(ctx: AuditorContext, v: Verified): HTMLElement[] {
  const { t } = ctx;
  const download = el('button', { type: 'button', class: 'secondary', id: 'download-state' }, t('audit.ok.downloadState'));
  download.addEventListener('click', () => offerDownload('relais-audit-state.json', v.state, 'application/json'));
  const cosigned =
    v.cosigners === 0
      ? t('audit.ok.noCosigners')
      : t('audit.ok.cosigned', {
          count: new Set(v.cosigned.map((c) => c.name)).size,
          cosigners: v.cosigners,
          quorum: v.quorum,
          list: v.cosigned.map((c) => t('audit.ok.cosignedBy', { name: c.name, age: c.age })).join(', '),
        });
  const r = v.rules;
  return [
    el('h2', { id: 'verdict-title' }, t('audit.ok.title', { size: v.size })),
    el('p', {}, t('audit.ok.body', { size: v.size, origin: v.origin, key: v.keyName })),
    el('p', { id: 'verdict-root' }, t('audit.ok.root'), ' ', el('code', {}, v.root)),
    el('p', { id: 'verdict-cosigned' }, cosigned),
    el('p', { id: 'verdict-fresh' }, t('audit.ok.fresh', { index: v.ownLogin ?? '?', age: v.maxAgeSeconds })),
    el('p', { id: 'verdict-state' }, v.previous === null ? t('audit.ok.firstRun') : t('audit.ok.extends', { previous: v.previous })),
    el(
      'ul',
      { id: 'verdict-rules' },
      el('li', {}, t('audit.ok.rule.key', { count: r.staffActions, logins: r.logins })),
      el('li', {}, t('audit.ok.rule.membership', { count: r.reportActions - r.waitingForReceipt, waiting: r.waitingForReceipt })),
      el('li', {}, t('audit.ok.rule.twoPerson', { count: r.disclosuresFetched })),
    ),
    el('p', {}, t('audit.ok.compare')),
    download,
  ];
}

function failureText(ctx: AuditorContext, f: Failed): string {
  const { t } = ctx;
  switch (f.code) {
    case 'state':
      return t(`audit.fail.state.${f.stateProblem ?? 'not-state'}`);
    case 'missing-entry':
    case 'changed-entry':
      return f.index === null ? t('audit.fail.changed-entry-unnamed') : t(`audit.fail.${f.code}`, { index: f.index });
    case 'rule':
      return t('audit.fail.rule', { index: f.index ?? '?' });
    default:
      return t(`audit.fail.${f.code}` as StaffKey);
  }
}

function failed(ctx: AuditorContext, f: Failed, served: string | null): HTMLElement[] {
  const { t } = ctx;
  const input = f.code === 'log-key' || f.code === 'cosigner-key' || f.code === 'state';
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
