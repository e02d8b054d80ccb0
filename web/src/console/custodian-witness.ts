// One witness in the custodians' console (DESIGN promise 6; issue 7 §3–4): the identity part
// decrypted in the page with the custodian's own key (the fetch is logged), the history of its
// disclosures, and the request to disclose it to one police inbox with the legal basis and the
// magistrate's decision — sealed here, in the page, to that inbox's members, with the review copy
// for the custodians (src/client/witness.ts). A second custodian must then approve it.

import { ApiClientError } from '../../../src/client/api.ts';
import { addCustodyNote, listCustodyNotes, markContacted, openCustodyNote } from '../../../src/client/custody-notes.ts';
import { getWitness, openIdentity, requestDisclosure, type WitnessDetail } from '../../../src/client/witness.ts';
import { justificationLine } from '../../../src/core/witness-text.ts';
import { el } from '../staff/dom.ts';
import { bucketText, categoryLabel, type ConsoleContext } from './context.ts';
import { dateText, eventsText, stateText } from './disclosure-format.ts';
import { showReview } from './disclosure-review.ts';

export async function showWitness(ctx: ConsoleContext, number: string, back: () => void): Promise<void> {
  const { t, session } = ctx;
  const app = document.getElementById('app') as HTMLElement;
  const detail: WitnessDetail = await session.call((api) => getWitness(api, number));
  const identity = await session.call((api) => openIdentity(api, detail, session.privateKey())).catch(() => null);
  const reload = (): void => void showWitness(ctx, number, back);

  const backButton = el('button', { type: 'button', class: 'secondary', id: 'back' }, t('custody.back'));
  backButton.addEventListener('click', back);
  const heading = el('h1', { tabindex: '-1', id: 'witness-title' }, t('witness.title', { number: detail.number }));
  const when = bucketText(ctx, detail.receivedBucket);

  const history = el(
    'section',
    { class: 'panel', id: 'disclosure-history', 'aria-labelledby': 'history-title' },
    el('h2', { id: 'history-title' }, t('witness.history.title')),
  );
  if (detail.disclosures.length === 0) history.append(el('p', {}, t('witness.history.empty')));
  const items = detail.disclosures.map((d) => {
    const open = el('button', { type: 'button', class: 'secondary', 'data-disclosure': d.id }, t('custody.examine'));
    open.addEventListener('click', () => void showReview(ctx, d.id, reload));
    return el(
      'li',
      { class: `disclosure ${d.state}` },
      el('p', {}, `${d.id} — ${d.inboxName} — ${stateText(ctx, d)}`),
      el(
        'p',
        { class: 'hint' },
        t('disclosure.review.summary', { number: d.witness, inbox: d.inboxName, member: d.requestedBy, at: dateText(ctx, d.requestedAt) }),
      ),
      ...eventsText(ctx, d).map((line) => el('p', { class: 'hint' }, line)),
      open,
    );
  });
  if (items.length) history.append(el('ul', { class: 'disclosures' }, ...items));

  app.replaceChildren(
    backButton,
    heading,
    el(
      'p',
      { id: 'witness-meta' },
      t('witness.meta', { category: categoryLabel(ctx, detail.category), from: when.from, to: when.to, ref: detail.ref }),
    ),
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('witness.identity')),
      identity !== null
        ? el('div', { class: 'plain identity', id: 'identity-text' }, identity)
        : el('p', { class: 'error' }, t('report.error.decrypt')),
    ),
    await custodyRecord(ctx, detail, reload),
    history,
    identity !== null ? requestForm(ctx, detail, identity, reload) : '',
  );
  heading.focus();
}

/** Contacted marks and notes sealed to the custodians (each note's fetch logged). */
async function custodyRecord(ctx: ConsoleContext, detail: WitnessDetail, reload: () => void): Promise<HTMLElement> {
  const { t, session } = ctx;
  const notes = await session.call((api) => listCustodyNotes(api, detail.number));
  const items: HTMLElement[] = [];
  for (const n of notes) {
    const who = `${n.memberId} — ${dateText(ctx, n.at)}`;
    if (n.kind === 'contacted') {
      items.push(el('li', { class: 'contacted' }, `${who} — ${t('custody.notes.contacted')}`));
      continue;
    }
    const text = await session.call((api) => openCustodyNote(api, detail.number, n.idx, session.privateKey())).catch(() => null);
    items.push(el('li', { class: 'note' }, el('p', { class: 'who' }, who), el('p', { class: 'text' }, text ?? t('report.error.decrypt'))));
  }
  const contacted = el('button', { type: 'button', class: 'secondary', id: 'mark-contacted' }, t('custody.notes.markContacted'));
  contacted.addEventListener('click', async () => {
    contacted.disabled = true;
    await session.call((api) => markContacted(api, detail.number));
    reload();
  });
  const text = el('textarea', { id: 'custody-note', rows: '3', autocomplete: 'off' });
  const form = el(
    'form',
    { id: 'custody-note-form', autocomplete: 'off' },
    el('div', { class: 'field' }, el('label', { for: 'custody-note' }, t('custody.notes.label')), text),
    el('button', { type: 'submit', class: 'secondary' }, t('custody.notes.add')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!text.value.trim()) return;
    await session.call((api) => addCustodyNote(api, detail.number, detail.custodianKeys, text.value.trim()));
    reload();
  });
  return el(
    'section',
    { class: 'panel', id: 'custody-record' },
    el('h2', {}, t('custody.notes.title')),
    items.length ? el('ul', { class: 'messages', id: 'custody-notes' }, ...items) : el('p', {}, t('custody.notes.empty')),
    contacted,
    form,
  );
}

function requestForm(ctx: ConsoleContext, detail: WitnessDetail, identity: string, reload: () => void): HTMLElement {
  const { t, session } = ctx;
  const section = el(
    'section',
    { class: 'panel', id: 'disclosure-request', 'aria-labelledby': 'request-title' },
    el('h2', { id: 'request-title' }, t('disclosure.request.title')),
  );
  if (detail.targets.length === 0) {
    section.append(el('p', {}, t('disclosure.request.none')));
    return section;
  }
  const inbox = el(
    'select',
    { id: 'request-inbox' },
    ...detail.targets.map((target) =>
      el(
        'option',
        { value: target.id, disabled: !target.allowed },
        target.allowed ? target.name : `${target.name} ${t('disclosure.request.conflict')}`,
      ),
    ),
  );
  const basis = el('input', {
    type: 'text',
    id: 'request-basis',
    maxlength: '300',
    autocomplete: 'off',
    'aria-describedby': 'request-basis-hint',
  });
  const decision = el('input', { type: 'text', id: 'request-decision', maxlength: '300', autocomplete: 'off' });
  const error = el('p', { class: 'error', id: 'request-error', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', class: 'primary' }, t('disclosure.request.send'));
  const form = el(
    'form',
    { id: 'request-form', autocomplete: 'off' },
    el('p', {}, t('disclosure.request.intro')),
    error,
    el('div', { class: 'field' }, el('label', { for: 'request-inbox' }, t('disclosure.request.inbox')), inbox),
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'request-basis' }, t('disclosure.request.basis')),
      el('p', { class: 'hint', id: 'request-basis-hint' }, t('disclosure.request.basisHint')),
      basis,
    ),
    el('div', { class: 'field' }, el('label', { for: 'request-decision' }, t('disclosure.request.decision')), decision),
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const fields = { basis: justificationLine(basis.value), decision: justificationLine(decision.value) };
    if (!fields.basis || !fields.decision || !inbox.value) {
      error.textContent = t('disclosure.error.fields');
      error.hidden = false;
      (fields.basis ? decision : basis).focus();
      return;
    }
    submit.disabled = true;
    try {
      await session.call((api) =>
        requestDisclosure(api, detail, {
          inbox: inbox.value,
          basis: fields.basis as string,
          decision: fields.decision as string,
          identity,
        }),
      );
      reload();
    } catch (err) {
      error.textContent = t('disclosure.error.send', { code: err instanceof ApiClientError ? err.code : '?' });
      error.hidden = false;
      submit.disabled = false;
    }
  });
  section.append(form);
  return section;
}
