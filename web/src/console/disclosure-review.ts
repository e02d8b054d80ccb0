// Reviewing a disclosure in the custodians' console (DESIGN promise 6; issue 7 §3): the second
// custodian decrypts the review copy — the very encrypted data the investigators will get — and
// the witness's own identity part, both in the page with their own key; the page checks they match
// (witness, report, inbox, identity byte for byte, digest) and shows the legal basis and the
// decision. Approval commits to the digest of what was decrypted. The custodian who asked sees
// their request and may withdraw it; nobody can approve their own.

import { ApiClientError } from '../../../src/client/api.ts';
import { decide, getDisclosure, getWitness, openIdentity, reviewDisclosure, type DisclosureInfo } from '../../../src/client/witness.ts';
import { el } from '../staff/dom.ts';
import type { ConsoleContext } from './context.ts';
import { dateText, eventsText, stateText } from './disclosure-format.ts';

export async function showReview(ctx: ConsoleContext, id: string, back: () => void): Promise<void> {
  const { t, session } = ctx;
  const app = document.getElementById('app') as HTMLElement;
  const key = session.privateKey();
  const d: DisclosureInfo = await session.call((api) => getDisclosure(api, id));
  const detail = await session.call((api) => getWitness(api, d.witness));
  const identity = await session.call((api) => openIdentity(api, detail, key)).catch(() => null);
  const review = await session.call((api) => reviewDisclosure(api, d, identity ?? '', key));
  const reload = (): void => void showReview(ctx, id, back);

  const backButton = el('button', { type: 'button', class: 'secondary', id: 'back' }, t('custody.back'));
  backButton.addEventListener('click', back);
  const heading = el('h1', { tabindex: '-1', id: 'review-title' }, t('disclosure.review.title', { id: d.id }));
  const error = el('p', { class: 'error', id: 'review-error', role: 'alert', hidden: true });
  const step = async (action: 'approve' | 'refuse' | 'withdraw') => {
    error.hidden = true;
    try {
      await session.call((api) => decide(api, d.id, action, review.encryptedSha256));
      reload();
    } catch (e) {
      error.textContent = t('disclosure.error.step', { code: e instanceof ApiClientError ? e.code : '?' });
      error.hidden = false;
    }
  };
  const button = (label: string, id: string, action: 'approve' | 'refuse' | 'withdraw', primary = false) => {
    const b = el('button', { type: 'button', class: primary ? 'primary' : 'secondary', id }, label);
    b.addEventListener('click', () => void step(action));
    return b;
  };

  const own = d.requestedBy === session.member.id;
  const actions: (HTMLElement | string)[] = [];
  if (own && (d.state === 'pending' || d.state === 'approved'))
    actions.push(el('p', { class: 'notice' }, t('disclosure.review.own')), button(t('custody.withdraw'), 'withdraw', 'withdraw'));
  // A disclosure that does not match what is recorded can only be refused.
  else if (!own && d.state === 'pending')
    actions.push(
      el(
        'div',
        { class: 'row' },
        review.problems.length === 0 ? button(t('disclosure.approve'), 'approve', 'approve', true) : '',
        button(t('disclosure.refuse'), 'refuse', 'refuse'),
      ),
    );
  else if (d.state === 'approved') actions.push(button(t('custody.withdraw'), 'withdraw', 'withdraw'));
  else actions.push(el('p', {}, t('disclosure.review.closed', { state: stateText(ctx, d) })));

  const check =
    review.problems.length === 0
      ? el('p', { class: 'notice', id: 'review-check' }, t('disclosure.review.ok'))
      : el(
          'p',
          { class: 'error', id: 'review-check', role: 'alert' },
          t('disclosure.review.problem', { problems: review.problems.join(', ') }),
        );
  app.replaceChildren(
    backButton,
    heading,
    el(
      'p',
      { id: 'review-summary' },
      t('disclosure.review.summary', { number: d.witness, inbox: d.inboxName, member: d.requestedBy, at: dateText(ctx, d.requestedAt) }),
    ),
    el('p', {}, stateText(ctx, d)),
    ...eventsText(ctx, d).map((line) => el('p', { class: 'hint' }, line)),
    el(
      'section',
      { class: 'panel', 'aria-labelledby': 'review-text-title' },
      el('h2', { id: 'review-text-title' }, t('disclosure.review.text')),
      review.text ? el('p', { id: 'review-basis' }, t('disclosure.review.basis', { basis: review.text.basis })) : '',
      review.text ? el('p', { id: 'review-decision' }, t('disclosure.review.decision', { decision: review.text.decision })) : '',
      review.text ? el('div', { class: 'plain identity', id: 'review-identity' }, review.text.identity) : '',
      check,
    ),
    error,
    ...actions,
  );
  heading.focus();
}
