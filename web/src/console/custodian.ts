// The custodians' home in the console (DESIGN promise 6; issue 7 §4): disclosures waiting for
// their decision (asked by another custodian), their own open requests (to withdraw), and the
// witness requests of their custody inboxes by W- number. Nothing here is decrypted; opening a
// witness (custodian-witness.ts) or reviewing a disclosure (disclosure-review.ts) does that.

import { ApiClientError } from '../../../src/client/api.ts';
import { decide, listDisclosures, listWitnesses, type DisclosureInfo } from '../../../src/client/witness.ts';
import { el } from '../staff/dom.ts';
import { bucketText, categoryLabel, type ConsoleContext } from './context.ts';
import { showWitness } from './custodian-witness.ts';
import { dateText, stateText } from './disclosure-format.ts';
import { showReview } from './disclosure-review.ts';

function table(caption: string, id: string, headers: string[], rows: HTMLElement[]): HTMLElement {
  return el(
    'table',
    { class: 'reports', id },
    el('caption', { class: 'count' }, caption),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows),
  );
}

export async function showCustodian(ctx: ConsoleContext, toInbox: (() => void) | null): Promise<void> {
  const { t, session } = ctx;
  const app = document.getElementById('app') as HTMLElement;
  const me = session.member.id;
  const home = (): void => void showCustodian(ctx, toInbox);
  const [list, disclosures] = await Promise.all([
    session.call((api) => listWitnesses(api, 1, 200)),
    session.call((api) => listDisclosures(api)),
  ]);

  const button = (label: string, attrs: Record<string, string>, onClick: () => void, primary = false) => {
    const b = el('button', { type: 'button', class: primary ? 'primary' : 'secondary', ...attrs }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  const error = el('p', { class: 'error', id: 'custody-error', role: 'alert', hidden: true });
  const withdraw = async (d: DisclosureInfo) => {
    try {
      await session.call((api) => decide(api, d.id, 'withdraw'));
      home();
    } catch (e) {
      error.textContent = t('disclosure.error.step', { code: e instanceof ApiClientError ? e.code : '?' });
      error.hidden = false;
    }
  };

  const waiting = disclosures.filter((d) => d.state === 'pending' && d.requestedBy !== me);
  const mine = disclosures.filter((d) => d.requestedBy === me && (d.state === 'pending' || d.state === 'approved'));
  const disclosureRow = (d: DisclosureInfo, action: HTMLElement) =>
    el(
      'tr',
      {},
      el('td', {}, d.witness),
      el('td', {}, d.inboxName),
      el('td', {}, d.requestedBy),
      el('td', {}, dateText(ctx, d.requestedAt)),
      el('td', {}, stateText(ctx, d)),
      el('td', {}, action),
    );
  const headers = [
    t('custody.col.number'),
    t('custody.col.to'),
    t('custody.col.by'),
    t('custody.col.at'),
    t('custody.col.state'),
    t('custody.col.action'),
  ];

  const pendingSection = el(
    'section',
    { class: 'panel', id: 'pending-disclosures', 'aria-labelledby': 'pending-title' },
    el('h2', { id: 'pending-title' }, t('custody.pending.title')),
    waiting.length
      ? table(
          t('custody.pending.title'),
          'pending-table',
          headers,
          waiting.map((d) =>
            disclosureRow(
              d,
              button(t('custody.examine'), { 'data-disclosure': d.id }, () => void showReview(ctx, d.id, home), true),
            ),
          ),
        )
      : el('p', {}, t('custody.pending.empty')),
  );
  const mineSection = el(
    'section',
    { class: 'panel', id: 'my-disclosures', 'aria-labelledby': 'mine-title' },
    el('h2', { id: 'mine-title' }, t('custody.mine.title')),
    mine.length
      ? table(
          t('custody.mine.title'),
          'mine-table',
          headers,
          mine.map((d) =>
            disclosureRow(
              d,
              button(t('custody.withdraw'), { 'data-withdraw': d.id }, () => void withdraw(d)),
            ),
          ),
        )
      : el('p', {}, t('custody.mine.empty')),
  );
  const witnessRows = list.witnesses.map((w) => {
    const when = bucketText(ctx, w.receivedBucket);
    return el(
      'tr',
      {},
      el('td', {}, w.number),
      el('td', {}, categoryLabel(ctx, w.category)),
      el('td', {}, `${when.from} – ${when.to.split(' ').pop()}`),
      el('td', {}, String(w.pending)),
      el(
        'td',
        {},
        button(t('custody.open'), { 'data-witness': w.number }, () => void showWitness(ctx, w.number, home)),
      ),
    );
  });
  const witnessSection = el(
    'section',
    { 'aria-labelledby': 'witnesses-title' },
    el('h2', { id: 'witnesses-title' }, t('custody.witnesses.title')),
    list.witnesses.length
      ? table(
          t('custody.count', { total: list.total }),
          'witnesses',
          [t('custody.col.number'), t('inbox.col.category'), t('custody.col.received'), t('custody.col.pending'), t('custody.col.action')],
          witnessRows,
        )
      : el('p', {}, t('custody.witnesses.empty')),
  );

  const heading = el('h1', { tabindex: '-1' }, t('custody.title'));
  app.replaceChildren(
    heading,
    el('p', {}, t('custody.intro')),
    toInbox ? button(t('custody.toInbox'), { id: 'to-inbox' }, toInbox) : '',
    error,
    pendingSection,
    mineSection,
    witnessSection,
  );
  heading.focus();
}
