// What an investigator sees of a witness on the report view (DESIGN promise 6; issue 7 §4): the
// witness's W- number, and the identities two custodians have approved for the investigator's
// inbox, each decrypted in the page with the investigator's own key on request (each fetch is in
// the audit log). Nothing else about the witness, and nothing at all before approval.

import { listDisclosures, openDisclosed } from '../../../src/client/witness.ts';
import type { ReportDetail } from '../../../src/client/staff.ts';
import { el } from '../staff/dom.ts';
import type { ConsoleContext } from './context.ts';
import { approver } from './disclosure-format.ts';

/** The report view's witness panel, or null for a report that is not a witness request. */
export async function disclosureSection(ctx: ConsoleContext, detail: ReportDetail): Promise<HTMLElement | null> {
  const { t, session } = ctx;
  if (!detail.witness || !session.member.roles.includes('officer')) return null;
  const disclosed = (await session.call((api) => listDisclosures(api, { ref: detail.ref }))).filter(
    (d) => d.state === 'approved' || d.state === 'fetched',
  );
  const section = el(
    'section',
    { class: 'panel', id: 'witness-panel', 'aria-labelledby': 'witness-panel-title' },
    el('h2', { id: 'witness-panel-title' }, t('disclosure.investigator.title', { number: detail.witness })),
    el('p', {}, t('disclosure.investigator.intro')),
  );
  if (disclosed.length === 0) section.append(el('p', { id: 'no-disclosure' }, t('disclosure.investigator.none')));
  for (const d of disclosed) {
    const holder = el(
      'div',
      { class: 'disclosed', 'data-disclosure': d.id },
      el('p', {}, t('disclosure.investigator.item', { inbox: d.inboxName, requester: d.requestedBy, approver: approver(d) })),
    );
    const open = el('button', { type: 'button', class: 'secondary', 'data-open-disclosure': d.id }, t('disclosure.investigator.open'));
    open.addEventListener('click', async () => {
      open.disabled = true;
      const text = await session.call((api) => openDisclosed(api, d.id, session.privateKey())).catch(() => null);
      open.replaceWith(
        text
          ? el(
              'div',
              {},
              el('p', {}, t('disclosure.review.basis', { basis: text.basis })),
              el('p', {}, t('disclosure.review.decision', { decision: text.decision })),
              el('div', { class: 'plain identity', id: `disclosed-${d.id}` }, text.identity),
            )
          : el('p', { class: 'error' }, t('report.error.decrypt')),
      );
    });
    holder.append(open);
    section.append(holder);
  }
  return section;
}
