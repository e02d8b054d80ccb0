// The receipt as every page shows it (DESIGN promise 5): a box that takes the focus with the
// title, the witness number (for a witness request), the 20 digits and the reference, then the
// advice to copy it on paper and not to screenshot it, and a confirmation that the resident copied
// it — the only way away from the page besides the quick exit. With JavaScript the section is in
// the form's page, hidden, and web/src/receipt-guard.ts fills it once, locks the page until the
// confirmation and clears it; without, the server's receipt page shows it, and its confirmation is
// a form the browser will not send before the box is ticked. Digits are Western in every language
// and the code is laid out left to right, so that it reads the same to everyone (issue 17).

import { html, type Html } from './html.ts';
import type { PageContext } from './layout.ts';

export interface ReceiptValues {
  ref: string;
  receipt: string;
  /** a witness request's number, W-XXXX-XXXX */
  number?: string;
}

/** The focusable box: title, witness number, receipt digits, reference (empty slots with JavaScript). */
function receiptKey(ctx: PageContext, title: string, witness: boolean, values: ReceiptValues | null): Html {
  const { t } = ctx;
  // An h1: once the receipt shows, the rest of the page (its own h1 included) is hidden.
  return html`<div class="receipt-key" id="receipt-key" role="group" tabindex="-1" aria-labelledby="receipt-title">
  <h1 id="receipt-title">${title}</h1>
  ${witness ? html`<p class="receipt-number" id="receipt-number">${values?.number ? t('witness.receipt.number', { number: values.number }) : ''}</p>` : ''}
  <p class="receipt-label" id="receipt-label">${t('receipt.label')}</p>
  <p class="receipt-code" id="receipt-code" dir="ltr">${values?.receipt ?? ''}</p>
  <p class="receipt-ref" id="receipt-ref">${values ? t('receipt.ref', { ref: values.ref }) : ''}</p>
</div>`;
}

function advice(ctx: PageContext): Html {
  const { t } = ctx;
  return html`<ul class="receipt-advice">
    <li><strong>${t('receipt.copy')}</strong></li>
    <li>${t('receipt.noScreenshot')}</li>
    <li>${t('receipt.use')}</li>
  </ul>`;
}

/** The hidden section the page script fills after sending; `head` comes after the receipt's box. */
export function receiptSection(ctx: PageContext, title: string, witness: boolean, head: Html): Html {
  const { t } = ctx;
  return html`<section id="receipt" class="receipt" aria-labelledby="receipt-title" hidden>
  ${receiptKey(ctx, title, witness, null)}
  ${head}
  ${advice(ctx)}
  <label class="choice"><input type="checkbox" id="receipt-done"> <span>${t('receipt.done')}</span></label>
  <button type="button" class="primary" id="receipt-finish" disabled>${t('receipt.finish')}</button>
</section>`;
}

/**
 * The no-JS receipt page's section. It carries the values in a form of its own (`receipt-lang`) only
 * for the language buttons, which re-post them to be shown again in another language; `extra`
 * (the cleaned files' list) comes after the confirmation.
 */
export function receiptPage(
  ctx: PageContext,
  options: { title: string; witness: boolean; values: ReceiptValues; head: Html; hidden: Record<string, string | string[]> },
): Html {
  const { t } = ctx;
  const hidden = Object.entries(options.hidden).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ name, value })));
  return html`<section class="receipt" aria-labelledby="receipt-title">
  ${receiptKey(ctx, options.title, options.witness, options.values)}
  ${options.head}
  ${advice(ctx)}
  <form class="receipt-finish" action="/" method="get">
    <input type="hidden" name="lang" value="${ctx.lang}">
    <label class="choice"><input type="checkbox" name="copied" value="1" required> <span>${t('receipt.done')}</span></label>
    <button type="submit" class="primary">${t('receipt.finish')}</button>
  </form>
  <form id="receipt-lang" hidden>
    ${hidden.map(({ name, value }) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <input type="hidden" name="nojs" value="1">
  </form>
</section>`;
}
