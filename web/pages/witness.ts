// The "testify under protection" page (DESIGN promise 6, "Flows: Witness request"; issues 7, 17):
// what the page is for and the emergency numbers first, then the request in two sections — the
// testimony (sealed to the investigators), then, before the identity is asked, in plain words the
// two protected statuses, what happens next and what Relais can and cannot promise, and the
// identity with safe contact details (sealed apart, to the custodians only). Without JavaScript the
// form posts to /nojs/temoigner and the server seals both at once (the <noscript> notice says so,
// and what the server sees and for how long); with JavaScript web/src/witness-form.ts seals both in
// the browser. `values` fill the form again after a no-JS language switch.

import { field, inboxList } from './field.ts';
import { receiptPage, receiptSection, type ReceiptValues } from './receipt.ts';
import type { PublicCategory } from '../../src/server/public-config.ts';
import { dualSubmit, html, type Html } from './html.ts';
import type { PageContext } from './layout.ts';

export const WITNESS_FIELDS = ['category', 'what', 'where', 'when', 'name', 'contact', 'safeWhen', 'avoid', 'wish'] as const;
export type WitnessValues = Partial<Record<(typeof WITNESS_FIELDS)[number], string>>;

export interface WitnessPageOptions {
  categories: PublicCategory[];
  formToken: string;
  maxTextBytes: number;
  values?: WitnessValues;
}

export const WISHES = ['anonymous', 'number', 'unsure'] as const;
export type Wish = (typeof WISHES)[number];

function textarea(id: keyof WitnessValues, rows: number, max: number, required: boolean, values: WitnessValues): Html {
  return html`<textarea id="${id}" name="${id}" rows="${rows}" maxlength="${max}" ${required ? html`required` : ''} aria-describedby="${id}-hint ${id}-error" autocomplete="off" spellcheck="false">${values[id] ?? ''}</textarea>`;
}

function input(id: keyof WitnessValues, max: number, required: boolean, values: WitnessValues): Html {
  return html`<input id="${id}" name="${id}" type="text" maxlength="${max}" ${required ? html`required` : ''} aria-describedby="${id}-hint ${id}-error" autocomplete="off" spellcheck="false" value="${values[id] ?? ''}">`;
}

function explanation(ctx: PageContext, category: PublicCategory): Html {
  const { t } = ctx;
  return html`<section class="notice" aria-labelledby="status-title">
  <h2 id="status-title">${t('witness.status.title')}</h2>
  <ul>
    <li>${t('witness.status.anonymous')}</li>
    <li>${t('witness.status.number')}</li>
  </ul>
  <p>${t('witness.status.decides')}</p>
</section>
<section aria-labelledby="next-title">
  <h2 id="next-title">${t('witness.next.title')}</h2>
  <ol>
    <li>${t('witness.next.testimony', { inboxes: inboxList(ctx, category.readBy) })}</li>
    <li>${t('witness.next.identity', { inboxes: inboxList(ctx, category.identityReadBy) })}</li>
    <li>${t('witness.next.contact')}</li>
    <li>${t('witness.next.disclosure')}</li>
    <li>${t('witness.next.followup')}</li>
  </ol>
</section>
<section class="notice" aria-labelledby="promise-title">
  <h2 id="promise-title">${t('witness.promise.title')}</h2>
  <ul>
    <li>${t('witness.promise.sealed')}</li>
    <li>${t('witness.promise.custody')}</li>
    <li>${t('witness.promise.judge')}</li>
    <li>${t('witness.promise.details')}</li>
    <li>${t('witness.promise.device')}</li>
  </ul>
</section>`;
}

function categoryField(ctx: PageContext, categories: PublicCategory[], chosen: string | undefined): Html {
  if (categories.length === 1) return html`<input type="hidden" name="category" value="${categories[0]?.id}">`;
  const checked = categories.some((c) => c.id === chosen) ? chosen : categories[0]?.id;
  return html`<fieldset id="category-field">
    <legend>${ctx.t('witness.form.category')}</legend>
    ${categories.map((c) => html`<label class="choice"><input type="radio" name="category" value="${c.id}" ${c.id === checked ? html`checked` : ''}> <span>${c.labels[ctx.lang] ?? c.id}</span></label>`)}
  </fieldset>`;
}

export function witnessBody(ctx: PageContext, options: WitnessPageOptions): Html {
  const { t } = ctx;
  const first = options.categories[0];
  if (!first)
    return html`<h1>${t('witness.title')}</h1><p role="alert">${t('witness.error.unavailable')}</p><p><a class="button" href="/?lang=${ctx.lang}">${t('nav.report')}</a></p>`;
  const max = Math.floor(options.maxTextBytes / 8);
  const v = options.values ?? {};
  // The error summary comes first, so that when it takes the focus nothing above it is under the header.
  return html`<div id="form-errors" class="error-summary" role="alert" tabindex="-1" hidden></div>
<h1>${t('witness.title')}</h1>
<p class="lead">${t('witness.intro')}</p>
<p class="emergency"><strong>${t('home.emergency')}</strong></p>
<nav class="paths" aria-label="${t('nav.paths')}">
  <a class="path" href="/suivi?lang=${ctx.lang}">${t('nav.followup')}</a>
  <a class="path" href="/?lang=${ctx.lang}">${t('nav.report')}</a>
</nav>

<form id="witness-form" class="report" action="/nojs/temoigner?lang=${ctx.lang}" method="post" autocomplete="off" aria-labelledby="form-title">
  <h2 id="form-title" class="visually-hidden">${t('witness.form.title')}</h2>
  ${categoryField(ctx, options.categories, v.category)}
  <fieldset id="testimony-section" class="section">
    <legend>${t('witness.testimony.title')}</legend>
    <p class="hint">${t('witness.testimony.readBy', { inboxes: inboxList(ctx, first.readBy) })}</p>
    <p class="sealed-here" id="sealed-here" hidden></p>
    <noscript><p class="nojs" id="nojs-notice">${t('witness.nojs')}</p></noscript>
    ${field('what', t('witness.what.label'), t('witness.what.hint'), null, textarea('what', 6, max, true, v))}
    ${field('where', t('form.where.label'), t('form.where.hint'), t('form.optional'), input('where', 500, false, v))}
    ${field('when', t('form.when.label'), t('form.when.hint'), t('form.optional'), input('when', 500, false, v))}
  </fieldset>
  ${explanation(ctx, first)}
  <fieldset id="identity-section" class="section">
    <legend>${t('witness.identity.title')}</legend>
    <p class="hint">${t('witness.identity.readBy', { inboxes: inboxList(ctx, first.identityReadBy) })}</p>
    ${field('name', t('witness.name.label'), t('witness.name.hint'), null, input('name', 200, true, v))}
    ${field('contact', t('witness.contact.label'), t('witness.contact.hint'), null, textarea('contact', 3, 2000, true, v))}
    ${field('safeWhen', t('witness.safeWhen.label'), t('witness.safeWhen.hint'), t('form.optional'), input('safeWhen', 500, false, v))}
    ${field('avoid', t('witness.avoid.label'), t('witness.avoid.hint'), t('form.optional'), textarea('avoid', 3, 2000, false, v))}
    <fieldset id="wish-field">
      <legend>${t('witness.wish.legend')} <span class="optional">(${t('form.optional')})</span></legend>
      ${WISHES.map((w) => html`<label class="choice"><input type="radio" name="wish" value="${w}" ${v.wish === w ? html`checked` : ''}> <span>${t(`witness.wish.${w}`)}</span></label>`)}
    </fieldset>
  </fieldset>
  <input type="hidden" name="formToken" value="${options.formToken}">
  ${dualSubmit(t('witness.submit'), 'send')}
  <div id="progress" class="progress" role="status" aria-live="polite" hidden>
    <progress id="progress-bar" max="100" value="0" aria-label="${t('progress.title')}"></progress>
    <p id="progress-text"></p>
  </div>
</form>

${receiptSection(
  ctx,
  t('witness.receipt.title'),
  true,
  html`<p>${t('witness.receipt.thanks')}</p>
  <p>${t('witness.receipt.numberHint')}</p>`,
)}`;
}

/** The receipt page of the no-JS path: the witness number, the reference and the receipt. */
export function witnessReceiptBody(ctx: PageContext, filed: ReceiptValues & { number: string }): Html {
  const { t } = ctx;
  return receiptPage(ctx, {
    title: t('witness.receipt.title'),
    witness: true,
    values: filed,
    head: html`<p>${t('witness.receipt.thanks')}</p>
  <p>${t('witness.receipt.numberHint')}</p>
  <p class="nojs">${t('witness.receipt.nojs')}</p>`,
    hidden: { ref: filed.ref, receipt: filed.receipt, number: filed.number },
  });
}
