// One report in the console (issue "officer console" §3): decrypted in the page with the
// officer's key — the report text at once, attachments on request (each download is logged), the
// conversation with the resident — and the forms to reply (sealed to the resident and the inbox),
// change the status with an explanation the resident sees, and add internal notes (inbox only).
// Nothing of the report goes into the URL or the page title.

import { zipSync } from 'fflate';
import { ApiClientError } from '../../../src/client/api.ts';
import { buildCaseExport } from '../../../src/client/case-export.ts';
import { assignReport, fetchSealedMessage, fetchSealedPart, getReport, reply, type ReportDetail } from '../../../src/client/staff.ts';
import { CONTENT_EXTENSIONS, type Envelope } from '../../../src/core/envelope.ts';
import { openSealedPart } from '../../../src/core/seal.ts';
import type { ReportStatus } from '../../../src/core/wire.ts';
import { el, formatBytes } from '../staff/dom.ts';
import { bucketRange, bucketText, categoryLabel, type ConsoleContext } from './context.ts';
import { disclosureSection } from './disclosure-investigator.ts';
import { grantPanel } from './grant-panel.ts';

const EXTENSIONS: Record<string, string> = CONTENT_EXTENSIONS;

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

/**
 * What this page decrypted of the open report, by part ("p3") or message ("m2"), kept while the
 * report stays open: a reply re-renders the view from it, without fetching (and logging) a read
 * again, and the attachments the officer opened stay open. Leaving the report drops it; opening
 * it again is a new read. `fresh` is the set of messages that were new when it was opened.
 */
export interface ReportCache {
  ref: string;
  envelopes: Map<string, Envelope | null>;
  fresh: Set<number> | null;
}

export async function showReport(ctx: ConsoleContext, ref: string, back: () => void, kept?: ReportCache): Promise<void> {
  const { t, session } = ctx;
  const app = document.getElementById('app') as HTMLElement;
  const key = session.privateKey();
  const cache: ReportCache = kept?.ref === ref ? kept : { ref, envelopes: new Map(), fresh: null };
  const detail: ReportDetail = await session.call((api) => getReport(api, ref));
  cache.fresh ??= new Set(detail.messages.filter((m) => m.idx > detail.seenUpTo && m.memberId !== session.member.id).map((m) => m.idx));
  const decrypt = async (id: string, fetcher: () => Promise<Uint8Array>): Promise<Envelope | null> => {
    if (cache.envelopes.has(id)) return cache.envelopes.get(id) ?? null;
    const sealed = await session.call(fetcher);
    const envelope = await openSealedPart(sealed, key).catch(() => null);
    cache.envelopes.set(id, envelope);
    return envelope;
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
      const openAttachment = async () => {
        button.disabled = true;
        const envelope = await decrypt(`p${part.idx}`, (): Promise<Uint8Array> => fetchSealedPart(session.api, ref, part.idx));
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
      };
      button.addEventListener('click', () => void openAttachment());
      holder.append(el('p', {}, t('report.attachment', { n, type: '…', size: formatBytes(part.size) })), button);
      if (cache.envelopes.has(`p${part.idx}`)) await openAttachment();
      sections.push(holder);
      continue;
    }
    const envelope = await decrypt(`p${part.idx}`, () => fetchSealedPart(session.api, ref, part.idx));
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
  const reload = () => void showReport(ctx, ref, back, cache);
  const assignment = assignSection(ctx, detail, reload);
  if (assignment) sections.push(assignment);
  const access = await grantPanel(ctx, ref, reload);
  if (access) sections.push(access);
  if (detail.inboxKeys.length > 0) sections.push(exportSection(ctx, detail));
  if (detail.inboxKeys.length > 0) sections.push(await conversation(ctx, detail, decrypt, cache.fresh), replyForms(ctx, detail, reload));

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
  decrypt: (id: string, f: () => Promise<Uint8Array>) => Promise<Envelope | null>,
  fresh: Set<number>,
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
    // A resident's message carries only its bucket: shown as the range it is. Messages are in the
    // conversation's own order (its sequence number), never sorted by these times.
    const when = m.author === 'resident' ? bucketRange(ctx, m.at) : new Date(m.at * 1000).toLocaleString(ctx.lang);
    const item = el(
      'li',
      { class: `message ${m.author}${m.kind === 'note' ? ' note' : ''}${fresh.has(m.idx) ? ' fresh' : ''}`, 'data-idx': String(m.idx) },
      el(
        'p',
        { class: 'who' },
        `${who} — ${when}${kind ? ` — ${kind}` : ''}`,
        fresh.has(m.idx) ? ' ' : null,
        fresh.has(m.idx) ? el('span', { class: 'badge' }, t('report.newMessage')) : null,
      ),
    );
    if (m.size > 0) {
      const envelope = await decrypt(`m${m.idx}`, () => fetchSealedMessage(session.api, detail.ref, m.idx));
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

/**
 * The case export (issue 15 §2): assembled and decrypted here (src/client/case-export.ts), saved
 * as a zip where the browser saves downloads; the officer is told first what it holds and where
 * it may be kept. The export is logged by the server before anything of it is fetched.
 */
function exportSection(ctx: ConsoleContext, detail: ReportDetail): HTMLElement {
  const { t, session } = ctx;
  const status = el('p', { id: 'export-status', role: 'status' });
  const button = el('button', { type: 'button', class: 'secondary', id: 'export' }, t('report.export.button'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = t('report.export.working');
    try {
      const files = await session.call((api) =>
        buildCaseExport(
          {
            api,
            key: session.privateKey(),
            member: { id: session.member.id, name: session.member.name },
            categoryLabel: (id) => ctx.config.categories.find((c) => c.id === id)?.labels.fr ?? id,
            bucketSeconds: ctx.config.timeBucketSeconds,
            now: () => Date.now(),
          },
          detail.ref,
        ),
      );
      const zip = zipSync(Object.fromEntries(files), { level: 0, mtime: new Date('1980-01-01T00:00:00Z') });
      const link = el(
        'a',
        {
          href: URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' })),
          download: `${detail.ref}.zip`,
          id: 'export-download',
          class: 'button primary',
        },
        t('report.export.download'),
      );
      status.replaceChildren(t('report.export.done'), ' ', link);
      link.click();
    } catch (e) {
      status.textContent = t('report.export.error', { code: e instanceof ApiClientError ? e.code : '?' });
      button.disabled = false;
    }
  });
  return el(
    'section',
    { class: 'panel', id: 'export-section' },
    el('h2', {}, t('report.export.title')),
    el('p', {}, t('report.export.warning')),
    button,
    status,
  );
}

/** Who the report is assigned to, in each of the officer's inboxes it was routed to (logged). */
function assignSection(ctx: ConsoleContext, detail: ReportDetail, reload: () => void): HTMLElement | null {
  const { t, session } = ctx;
  const inboxes = Object.keys(detail.inboxMembers);
  if (inboxes.length === 0) return null;
  const section = el('section', { class: 'panel', id: 'assign' }, el('h2', {}, t('report.assign.title')));
  for (const inbox of inboxes) {
    const id = `assign-${inbox}`;
    const name = detail.inboxMembers[inbox]?.name ?? inbox;
    const current = detail.assignees[inbox] ?? '';
    const choice = el(
      'select',
      { id },
      el('option', { value: '' }, t('report.assign.nobody')),
      ...(detail.inboxMembers[inbox]?.members ?? []).map((m) => el('option', { value: m.id, selected: m.id === current }, m.name)),
    );
    const form = el(
      'form',
      { class: 'assign', 'data-inbox': inbox },
      el('div', { class: 'field' }, el('label', { for: id }, t('report.assign.label', { inbox: name })), choice),
      el('button', { type: 'submit', class: 'secondary' }, t('report.assign.save')),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      await session.call((api) => assignReport(api, detail.ref, inbox, choice.value || null));
      reload();
    });
    section.append(form);
  }
  return section;
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
