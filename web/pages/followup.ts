// "J'ai déjà signalé": the resident comes back with the receipt (DESIGN "Flows: Follow-up",
// promise 5). With JavaScript the receipt is turned into keys in the browser and the
// conversation is decrypted there (web/src/followup-page.ts); without, the form posts the receipt
// and the server does it in memory, as the notice says. The conversation's title and status are
// one box that takes the focus. `receipt` fills the field again after a no-JS language switch.

import { dualSubmit, html, type Html } from './html.ts';
import type { PageContext } from './layout.ts';

export function followUpBody(ctx: PageContext, formToken: string, receipt = ''): Html {
  const { t } = ctx;
  return html`<h1>${t('followup.title')}</h1>
<p class="lead">${t('followup.intro')}</p>
<p class="emergency"><strong>${t('home.emergency')}</strong></p>
<form id="followup-form" action="/nojs/suivi?lang=${ctx.lang}" method="post" autocomplete="off">
  <div class="field" id="receipt-field">
    <label for="receipt-input">${t('followup.receipt.label')}</label>
    <p class="hint" id="receipt-hint">${t('followup.receipt.hint')}</p>
    <p class="error" id="receipt-error" hidden></p>
    <input id="receipt-input" name="receipt" type="text" inputmode="numeric" dir="ltr" required autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="receipt-hint receipt-error" value="${receipt}">
  </div>
  <noscript><p class="nojs">${t('followup.nojs')}</p></noscript>
  <input type="hidden" name="formToken" value="${formToken}">
  ${dualSubmit(t('followup.open'), 'open')}
  <div id="progress" class="progress" role="status" aria-live="polite" hidden>
    <progress id="progress-bar" max="100" value="0"></progress>
    <p id="progress-text"></p>
  </div>
</form>
<section id="conversation" class="conversation" aria-labelledby="conversation-title" hidden>
  <div class="conversation-head" id="conversation-head" role="group" tabindex="-1" aria-labelledby="conversation-title">
    <h2 id="conversation-title">${t('followup.conversation')}</h2>
    <p id="conversation-status" class="status"></p>
  </div>
  <ol id="messages" class="messages"></ol>
  <form id="message-form" class="message-form" autocomplete="off">
    <div class="field" id="message-field">
      <label for="message-text">${t('followup.add.label')}</label>
      <p class="error" id="message-error" hidden></p>
      <textarea id="message-text" name="text" rows="4" required aria-describedby="message-error" autocomplete="off" spellcheck="false"></textarea>
    </div>
    <button type="submit" class="primary">${t('followup.send')}</button>
    <p id="message-status" role="status" aria-live="polite"></p>
  </form>
  <button type="button" id="conversation-close" class="secondary">${t('followup.close')}</button>
</section>`;
}
