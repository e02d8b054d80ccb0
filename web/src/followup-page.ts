// "J'ai déjà signalé" with JavaScript (DESIGN "Flows: Follow-up", promise 5): the worker turns the
// receipt into the lookup key (sent) and the reply key's passphrase (kept in the worker), solves
// the proof of work, unlocks the reply key and decrypts each message; the page shows them as
// text (never as HTML) and seals new messages to the inbox and to the resident's own key. The
// focus lands on the conversation's title and status, in view below the sticky header; a language
// change draws the conversation and the messages again in the new language.

import { ApiClient, ApiClientError } from '../../src/client/api.ts';
import { sealedPartsForm } from '../../src/client/report-form.ts';
import { normalizeReceipt } from '../../src/core/receipt-format.ts';
import type { MessageInfo } from '../../src/core/wire.ts';
import { IntegrityError } from './checked-load.ts';
import { numberLocale } from '../i18n/translate.ts';
import { callWorker, startWorker } from './crypto-client.ts';
import { focusInView } from './focus.ts';
import { onLanguageChange } from './language-switch.ts';
import { byId, translatorFor, type PageData } from './page-data.ts';
import { ProgressView } from './progress.ts';

interface Opened {
  token: string;
  status: string;
  publicKey: string;
  lockedKey: string;
  inboxKeys: string[];
  messages: MessageInfo[];
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' };

export function initFollowUp(data: PageData): void {
  const t = translatorFor(data);
  const api = new ApiClient({ server: window.location.origin });
  const form = byId<HTMLFormElement>('followup-form');
  const input = byId<HTMLInputElement>('receipt-input');
  const progress = new ProgressView(t);
  const statusText = (s: string) => t(`status.${s}` as 'status.received');
  form.noValidate = true;
  let opened: Opened | null = null;
  input.addEventListener('focus', () => startWorker(), { once: true });

  const auth = () => `Followup ${opened?.token ?? ''}`;

  type FailKey =
    | 'followup.error.format'
    | 'followup.error.unknown'
    | 'followup.expired'
    | 'error.network'
    | 'error.unsupported'
    | 'error.integrity';
  /** The receipt field's error, to draw again after a language change. */
  let receiptError: (() => string) | null = null;
  const fail = (key: FailKey, code?: string) => {
    progress.hide();
    const error = byId('receipt-error');
    receiptError = () => (code ? t('error.server', { code }) : t(key));
    error.textContent = receiptError();
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    focusInView(input);
  };
  /** The message form's error or confirmation, likewise. */
  let messageSaid: { el: string; text: () => string } | null = null;
  const say = (el: 'message-error' | 'message-status', text: () => string) => {
    messageSaid = { el, text };
    const target = byId(el);
    target.textContent = text();
    if (el === 'message-error') target.hidden = false;
  };

  const render = async () => {
    if (!opened) return;
    const res = await api.request('GET', '/api/v1/followup/messages', undefined, undefined, auth());
    const { status, messages } = (await res.json()) as { status: string; messages: MessageInfo[] };
    byId('conversation-status').textContent = t('followup.statusLabel', { status: statusText(status) });
    // Built apart and swapped in whole, so the list is never seen half-drawn.
    const list = document.createElement('ol');
    if (messages.length === 0) {
      const empty = document.createElement('li');
      empty.textContent = t('followup.empty');
      list.append(empty);
    }
    let attachmentNumber = 0;
    for (const m of messages) {
      const item = document.createElement('li');
      item.className = `message ${m.author}`;
      const who = document.createElement('p');
      who.className = 'who';
      who.textContent = `${m.author === 'resident' ? t('followup.you') : t('followup.officer')} — ${new Date(m.at * 1000).toLocaleDateString(numberLocale(data.lang))}`;
      item.append(who);
      if (m.kind === 'status' && m.status) {
        const change = document.createElement('p');
        change.className = 'status-change';
        change.textContent = t('followup.statusChange', { status: statusText(m.status) });
        item.append(change);
      }
      if (m.size > 0) {
        const sealed = new Uint8Array(
          await (await api.request('GET', `/api/v1/followup/messages/${m.idx}`, undefined, undefined, auth())).arrayBuffer(),
        );
        const envelope = await callWorker<{ contentType: string; content: Uint8Array }>('decrypt', { bytes: sealed });
        if (envelope.contentType.startsWith('text/plain')) {
          const text = document.createElement('p');
          text.className = 'text';
          text.textContent = new TextDecoder().decode(envelope.content);
          item.append(text);
        } else {
          // A file from the service: offered for download under a neutral name.
          const link = document.createElement('a');
          link.href = URL.createObjectURL(new Blob([envelope.content as Uint8Array<ArrayBuffer>], { type: envelope.contentType }));
          link.download = `piece-jointe-${++attachmentNumber}.${EXTENSIONS[envelope.contentType] ?? 'bin'}`;
          link.textContent = t('followup.attachment', { size: t('files.kb', { n: Math.ceil(envelope.content.length / 1024) }) });
          item.append(link);
        }
      }
      list.append(item);
    }
    byId('messages').replaceChildren(...list.childNodes);
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    byId('receipt-error').hidden = true;
    input.removeAttribute('aria-invalid');
    const receipt = normalizeReceipt(input.value);
    if (!receipt) return fail('followup.error.format');
    try {
      progress.show('progress.opening', 0.05);
      const lookupKey = await callWorker<string>('deriveReceipt', { receipt });
      progress.show('progress.opening', 0.35);
      const { challenge } = await api.challenge('lookup');
      const counter = await callWorker<number>('solve', { challenge }, (_s, tried, expected) =>
        progress.show('progress.opening', 0.35 + 0.5 * Math.min(1, tried / (expected * 1.5))),
      );
      opened = await api.json<Opened>('POST', '/api/v1/followup/open', { lookupKey, pow: { challenge, counter } });
      await callWorker('unlock', { lockedKey: opened.lockedKey });
      input.value = '';
      await render();
      progress.hide();
      form.hidden = true;
      byId('conversation').hidden = false;
      focusInView(byId('conversation-head'));
    } catch (e) {
      if (e instanceof ApiClientError) return e.code === 'receipt_unknown' ? fail('followup.error.unknown') : fail('error.network', e.code);
      return fail(e instanceof IntegrityError ? 'error.integrity' : e instanceof TypeError ? 'error.network' : 'error.unsupported');
    }
  });

  byId<HTMLFormElement>('message-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const textarea = byId<HTMLTextAreaElement>('message-text');
    const text = textarea.value.trim();
    byId('message-error').hidden = true;
    messageSaid = null;
    if (!text || !opened) {
      say('message-error', () => t('form.error.what'));
      textarea.setAttribute('aria-invalid', 'true');
      focusInView(textarea);
      return;
    }
    textarea.removeAttribute('aria-invalid');
    try {
      const sealed = await callWorker<Uint8Array>('sealMessage', { keys: [...opened.inboxKeys, opened.publicKey], text });
      await api.request('POST', '/api/v1/followup/messages', sealedPartsForm({ parts: ['message'] }, [sealed]), undefined, auth());
      textarea.value = '';
      await render();
      say('message-status', () => t('followup.sent'));
    } catch (e) {
      const expired = e instanceof ApiClientError && e.code === 'followup_token_invalid';
      const code = e instanceof ApiClientError ? e.code : null;
      const unavailable = code === 'category_unavailable';
      say('message-error', () =>
        expired
          ? t('followup.expired')
          : unavailable
            ? t('followup.error.unavailable')
            : code
              ? t('error.server', { code })
              : t('error.network'),
      );
    }
  });

  onLanguageChange(() => {
    const error = byId('receipt-error');
    if (receiptError && !error.hidden) error.textContent = receiptError();
    if (messageSaid) byId(messageSaid.el).textContent = messageSaid.text();
    if (opened) void render();
  });

  byId('conversation-close').addEventListener('click', async () => {
    await callWorker('forget', {}).catch(() => {});
    opened = null;
    byId('messages').replaceChildren();
    window.location.replace(window.location.pathname + window.location.search);
  });
}
