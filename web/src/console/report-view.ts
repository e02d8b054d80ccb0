// One report in the console (issue "officer console" §3): decrypted in the page with the
// officer's key — the report text at once, attachments on request (each download is logged), the
// conversation with the resident — and the forms to reply (sealed to the resident and the inbox),
// change the status with an explanation the resident sees, and add internal notes (inbox only).
// Nothing of the report goes into the URL or the page title.

import { ApiClientError } from '../../../src/client/api.ts';
import { fetchSealedMessage, fetchSealedPart, getReport, reply, type ReportDetail } from '../../../src/client/staff.ts';
import type { Envelope } from '../../../src/core/envelope.ts';
import { openSealedPart } from '../../../src/core/seal.ts';
import type { ReportStatus } from '../../../src/core/wire.ts';
import { el, formatBytes } from '../staff/dom.ts';
import { bucketText, categoryLabel, type ConsoleContext } from './context.ts';
import { disclosureSection } from './disclosure-investigator.ts';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'text/plain; charset=utf-8': 'txt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

function textOf(envelope: Envelope): string {
  return new TextDecoder().decode(envelope.content);
}

/** A decrypted file: shown inline if it is a picture (an <img> cannot run code), and downloadable. */
function fileView(envelope: Envelope, name: string, downloadLabel: string): HTMLElement {
  const url = URL.createObjectURL(new Blob([envelope.content as Uint8Array<ArrayBuffer>], { type: envelope.contentType }));
  return el(
    'div',
    { class: 'attachment' },
    envelope.contentType.startsWith('image/') ? el('img', { src: url, alt: name }) : null,
    el('a', { href: url, download: name, class: 'button secondary' }, `${downloadLabel} ${name}`),
  );
}

export async function showReport(ctx: ConsoleContext, ref: string, back: () => void): Promise<void> {
  const { t, session } = ctx;
  const app = document.getElementById('app') as HTMLElement;
  const key = session.privateKey();
  const detail: ReportDetail = await session.call((api) => getReport(api, ref));
  const decrypt = async (fetcher: () => Promise<Uint8Array>): Promise<Envelope | null> => {
    const sealed = await session.call(fetcher);
    return openSealedPart(sealed, key).catch(() => null);
  };

  const backButton = el('button', { type: 'button', class: 'secondary', id: 'back' }, t('report.back'));
  backButton.addEventListener('click', back);
  const when = bucketText(ctx, detail.receivedBucket);
  const heading = el('h1', { tabindex: '-1', id: 'report-title' }, t('report.title', { ref: detail.ref }));
  const sections: HTMLElement[] = [];

  let attachmentNumber = 0;
  for (const part of detail.parts) {
    if (part.role === 'attachment') {
      const n = ++attachmentNumber;
      const holder = el('div', { class: 'panel' });
      const button = el(
        'button',
        { type: 'button', class: 'secondary', 'data-part': String(part.idx) },
        t('report.decryptAttachment', { n }),
      );
      button.addEventListener('click', async () => {
        button.disabled = true;
        const envelope = await decrypt((): Promise<Uint8Array> => fetchSealedPart(session.api, ref, part.idx));
        holder.replaceChildren(
          el(
            'h3',
            {},
            t('report.attachment', {
              n,
              type: envelope?.contentType.split(';')[0] ?? '?',
              size: formatBytes(envelope?.content.length ?? part.size),
            }),
          ),
          envelope
            ? fileView(envelope, `piece-jointe-${n}.${EXTENSIONS[envelope.contentType] ?? 'bin'}`, t('report.download'))
            : el('p', { class: 'error' }, t('report.error.decrypt')),
        );
      });
      holder.append(el('p', {}, t('report.attachment', { n, type: '…', size: formatBytes(part.size) })), button);
      sections.push(holder);
      continue;
    }
    const envelope = await decrypt(() => fetchSealedPart(session.api, ref, part.idx));
    const identity = part.role === 'identity';
    sections.push(
      el(
        'section',
        { class: 'panel' },
        el('h2', {}, t(identity ? 'report.identity' : 'report.text')),
        envelope
          ? el('div', { class: identity ? 'plain identity' : 'plain' }, textOf(envelope))
          : el('p', { class: 'error' }, t('report.error.decrypt')),
      ),
    );
  }

  const witness = await disclosureSection(ctx, detail);
  if (witness) sections.push(witness);
  if (detail.inboxKeys.length > 0)
    sections.push(
      await conversation(ctx, detail, decrypt),
      replyForms(ctx, detail, () => void showReport(ctx, ref, back)),
    );

  app.replaceChildren(
    backButton,
    heading,
    el(
      'p',
      { id: 'report-meta' },
      t('report.meta', {
        category: categoryLabel(ctx, detail.category),
        from: when.from,
        to: when.to,
        status: t(`status.${detail.status}`),
      }),
    ),
    ...sections,
  );
  heading.focus();
}

async function conversation(
  ctx: ConsoleContext,
  detail: ReportDetail,
  decrypt: (f: () => Promise<Uint8Array>) => Promise<Envelope | null>,
): Promise<HTMLElement> {
  const { t, session } = ctx;
  const list = el('ol', { class: 'messages', id: 'messages' });
  for (const m of detail.messages) {
    const who = m.author === 'resident' ? t('report.author.resident') : t('report.author.staff', { member: m.memberId ?? '' });
    const kind =
      m.kind === 'note'
        ? t('report.kind.note')
        : m.kind === 'status'
          ? t('report.kind.status', { status: t(`status.${m.status ?? 'received'}`) })
          : m.kind === 'attachment'
            ? t('report.kind.attachment')
            : '';
    const item = el(
      'li',
      { class: `message ${m.author}${m.kind === 'note' ? ' note' : ''}` },
      el('p', { class: 'who' }, `${who} — ${new Date(m.at * 1000).toLocaleString(ctx.lang)}${kind ? ` — ${kind}` : ''}`),
    );
    if (m.size > 0) {
      const envelope = await decrypt(() => fetchSealedMessage(session.api, detail.ref, m.idx));
      if (!envelope) item.append(el('p', { class: 'error' }, t('report.error.decrypt')));
      else if (envelope.contentType.startsWith('text/plain')) item.append(el('p', { class: 'text' }, textOf(envelope)));
      else item.append(fileView(envelope, `message-${m.idx}.${EXTENSIONS[envelope.contentType] ?? 'bin'}`, t('report.download')));
    }
    list.append(item);
  }
  return el(
    'section',
    { class: 'panel conversation' },
    el('h2', {}, t('report.conversation')),
    detail.messages.length ? list : el('p', {}, t('report.noConversation')),
  );
}

function replyForms(ctx: ConsoleContext, detail: ReportDetail, reload: () => void): HTMLElement {
  const { t, session } = ctx;
  const status = el(
    'select',
    { id: 'reply-status' },
    el('option', { value: '' }, t('report.reply.keep')),
    ...(['received', 'in-progress', 'closed'] as const).map((s) => el('option', { value: s }, t(`status.${s}`))),
  );
  const text = el('textarea', { id: 'reply-text', rows: '4', autocomplete: 'off' });
  const replyError = el('p', { class: 'error', id: 'reply-error', role: 'alert', hidden: true });
  const replyForm = el(
    'form',
    { class: 'panel', id: 'reply-form', autocomplete: 'off' },
    el('h2', {}, t('report.reply.title')),
    detail.replyKey ? null : el('p', { class: 'notice' }, t('report.noReplyKey')),
    replyError,
    el('div', { class: 'field' }, el('label', { for: 'reply-text' }, t('report.reply.text')), text),
    el('div', { class: 'field' }, el('label', { for: 'reply-status' }, t('report.reply.status')), status),
    el('button', { type: 'submit', class: 'primary' }, t('report.reply.send')),
  );
  if (!detail.replyKey) text.disabled = true;
  replyForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const message = text.value.trim();
    const newStatus = status.value as ReportStatus | '';
    if (!message && !newStatus) {
      replyError.textContent = t('report.error.empty');
      replyError.hidden = false;
      return;
    }
    await send(
      () => reply(session.api, detail.ref, { ...(message ? { text: message } : {}), ...(newStatus ? { status: newStatus } : {}) }),
      replyError,
    );
  });

  const note = el('textarea', { id: 'note-text', rows: '3', autocomplete: 'off' });
  const noteError = el('p', { class: 'error', id: 'note-error', role: 'alert', hidden: true });
  const noteForm = el(
    'form',
    { class: 'panel', id: 'note-form', autocomplete: 'off' },
    el('h2', {}, t('report.note.title')),
    noteError,
    el('div', { class: 'field' }, el('label', { for: 'note-text' }, t('report.note.text')), note),
    el('button', { type: 'submit', class: 'secondary' }, t('report.note.send')),
  );
  noteForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!note.value.trim()) {
      noteError.textContent = t('report.error.empty');
      noteError.hidden = false;
      return;
    }
    await send(() => reply(session.api, detail.ref, { text: note.value.trim(), note: true }), noteError);
  });

  async function send(action: () => Promise<void>, error: HTMLElement): Promise<void> {
    error.hidden = true;
    try {
      await session.call(action);
      reload();
    } catch (e) {
      error.textContent = t('report.error.send', { code: e instanceof ApiClientError ? e.code : '?' });
      error.hidden = false;
    }
  }
  return el('div', {}, replyForm, noteForm);
}
