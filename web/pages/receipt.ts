// The receipt as every page shows it (DESIGN promise 5): its label, the 20 digits, the advice to
// copy it on paper and not to screenshot it. With JavaScript the section is in the form's page,
// hidden, and web/src/form-kit.ts fills it once and clears it when the resident is done; without,
// the server's receipt page shows it with a link back.

import { html, type Html } from './html.ts';
import type { PageContext } from './layout.ts';

/** The receipt's label, its digits (or an empty slot the page script fills) and the advice. */
export function receiptBlock(ctx: PageContext, receipt: string | null): Html {
  const { t } = ctx;
  return html`<p class="receipt-label">${t('receipt.label')}</p>
  ${receipt === null ? html`<p class="receipt-code" id="receipt-code"></p>` : html`<p class="receipt-code">${receipt}</p>`}
  <ul class="receipt-advice">
    <li><strong>${t('receipt.copy')}</strong></li>
    <li>${t('receipt.noScreenshot')}</li>
    <li>${t('receipt.use')}</li>
  </ul>`;
}

/** The hidden section the page script fills after sending; `head` comes before the receipt. */
export function receiptSection(ctx: PageContext, title: string, head: Html): Html {
  const { t } = ctx;
  return html`<section id="receipt" class="receipt" aria-labelledby="receipt-title" tabindex="-1" hidden>
  <h2 id="receipt-title">${title}</h2>
  ${head}
  <p id="receipt-ref"></p>
  ${receiptBlock(ctx, null)}
  <label class="choice"><input type="checkbox" id="receipt-done"> <span>${t('receipt.done')}</span></label>
  <button type="button" class="primary" id="receipt-finish" disabled>${t('receipt.finish')}</button>
</section>`;
}
