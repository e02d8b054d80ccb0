// Pages of the no-JavaScript path (DESIGN promise 9): the conversation decrypted by the server and
// plain notice pages (the receipt pages are in home.ts and witness.ts). Each says plainly that
// here the server saw the text, in memory only, and for how long.

import { html, type Html } from './html.ts';
import type { PageContext } from './layout.ts';

export interface ClearMessage {
  author: 'resident' | 'staff';
  kind: string;
  status: string | null;
  at: number;
  text: string | null;
  /** for attachments: their size in bytes (their content is not shown on this path) */
  size: number;
}

export function conversationBody(
  ctx: PageContext,
  view: { status: string; messages: ClearMessage[]; followUpToken: string; formToken: string },
): Html {
  const { t } = ctx;
  const statusText = (s: string) => t(`status.${s}` as 'status.received');
  return html`<section class="conversation" aria-labelledby="conversation-title">
  <div class="conversation-head" role="group" aria-labelledby="conversation-title">
    <h1 id="conversation-title">${t('followup.conversation')}</h1>
    <p class="status">${t('followup.statusLabel', { status: statusText(view.status) })}</p>
  </div>
  <p class="nojs">${t('followup.nojs')}</p>
  ${view.messages.length === 0 ? html`<p>${t('followup.empty')}</p>` : ''}
  <ol class="messages">
    ${view.messages.map(
      (m) => html`<li class="message ${m.author}">
      <p class="who">${m.author === 'resident' ? t('followup.you') : t('followup.officer')} — <time>${new Date(m.at * 1000).toISOString().slice(0, 10)}</time></p>
      ${m.kind === 'status' && m.status ? html`<p class="status-change">${t('followup.statusChange', { status: statusText(m.status) })}</p>` : ''}
      ${m.kind === 'attachment' ? html`<p>${t('followup.attachment', { size: t('files.kb', { n: Math.ceil(m.size / 1024) }) })}</p>` : ''}
      ${m.text !== null ? html`<p class="text">${m.text}</p>` : ''}
    </li>`,
    )}
  </ol>
  <form action="/nojs/suivi/message?lang=${ctx.lang}" method="post" autocomplete="off">
    <div class="field">
      <label for="message-text">${t('followup.add.label')}</label>
      <textarea id="message-text" name="text" rows="4" required autocomplete="off" spellcheck="false"></textarea>
    </div>
    <input type="hidden" name="nojs" value="1">
    <input type="hidden" name="followUpToken" value="${view.followUpToken}">
    <input type="hidden" name="formToken" value="${view.formToken}">
    <button type="submit" class="primary">${t('followup.send')}</button>
  </form>
  <p><a class="button secondary" href="/suivi?lang=${ctx.lang}">${t('followup.close')}</a></p>
</section>`;
}

export function noticeBody(ctx: PageContext, title: string, message: string, back: string): Html {
  return html`<h1>${title}</h1>
<p role="alert">${message}</p>
<p><a class="button" href="${back}">${ctx.t('nojs.back')}</a></p>`;
}
