// The report form's attachments with JavaScript (DESIGN promise 3): each picked file goes to the
// crypto worker, which cleans it with the metadata strippers (or converts a picture it cannot
// clean to a plain JPEG) before anything else; the page lists each file with what was removed, in
// the resident's language, lets them remove it, and enforces the config's limits per file, per
// report and in number, with messages tied to the field. The native picker is replaced by a button
// in the page's language and a line that says how many files were added (the native one would say
// "no file chosen" once the list holds them); everything is drawn again after a language change.
// The page never reads a file's bytes (except to draw a picture for conversion when the worker has
// no canvas) and never sends a name.

import type { MessageKey } from '../i18n/index.ts';
import { numberLocale } from '../i18n/translate.ts';
import { removedLabel } from '../../src/core/strip/labels.ts';
import { REMOVED_CODES, type RemovedCode } from '../../src/core/strip/types.ts';
import type { CleanAnswer } from './attachments-worker.ts';
import { IntegrityError } from './checked-load.ts';
import { callWorker } from './crypto-client.ts';
import { onLanguageChange } from './language-switch.ts';
import { byId, type PageData } from './page-data.ts';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

const MB = 1024 * 1024;

/** What was removed, most telling first (GPS position, camera, serial number, date…). */
const byImportance = (codes: RemovedCode[]): RemovedCode[] =>
  [...codes].sort((a, b) => REMOVED_CODES.indexOf(a) - REMOVED_CODES.indexOf(b));

interface Item {
  name: string;
  li: HTMLLIElement;
  status: HTMLElement;
  remove: HTMLButtonElement;
  /** writes the item's texts in the page's current language */
  draw: () => void;
  /** set once the worker has cleaned and kept the file */
  id: number | null;
  size: number;
  gone: boolean;
}

/** The page's own conversion, for browsers whose workers have no OffscreenCanvas. */
async function reencodeOnPage(file: Blob): Promise<Blob | null> {
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, Math.sqrt(16_000_000 / (bitmap.width * bitmap.height)));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.floor(bitmap.width * scale));
    canvas.height = Math.max(1, Math.floor(bitmap.height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const jpeg = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    canvas.width = canvas.height = 0;
    return jpeg;
  } catch {
    return null;
  }
}

export class AttachmentList {
  private readonly input: HTMLInputElement | null = document.getElementById('files') as HTMLInputElement | null;
  private readonly button: HTMLElement | null = document.getElementById('files-button');
  private readonly state: HTMLElement | null = document.getElementById('files-state');
  private readonly list: HTMLElement | null = document.getElementById('files-list');
  private readonly items: Item[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** the messages shown under the field, asked again in the page's language when it changes */
  private errors: (() => string)[] = [];
  private readonly maxFile: number;
  private readonly maxTotal: number;
  private readonly maxCount: number;

  constructor(
    private readonly t: T,
    private readonly data: PageData,
    onPick: () => void,
  ) {
    const input = this.input;
    this.maxFile = Number(input?.dataset.maxFile ?? 0);
    this.maxTotal = Number(input?.dataset.maxTotal ?? 0);
    this.maxCount = Number(input?.dataset.maxCount ?? 0);
    if (input && this.button) {
      input.hidden = true;
      input.tabIndex = -1;
      this.button.hidden = false;
      this.button.addEventListener('click', () => input.click());
    }
    // Opening the picker (click, or Enter/Space, which click too) starts fetching the strippers.
    input?.addEventListener('click', () => {
      onPick();
      void callWorker('prepareAttachments', {}).catch(() => undefined);
    });
    input?.addEventListener('change', () => {
      onPick();
      const picked = [...(input.files ?? [])];
      input.value = ''; // the list below is the record; the same file can be picked again
      this.errors = [];
      for (const file of picked) this.add(file);
      this.showErrors();
    });
    onLanguageChange(() => {
      for (const item of this.items) item.draw();
      this.showErrors();
    });
    this.showState();
    // Files picked before this script took over (a slow connection) are taken in now.
    if (input?.files?.length) input.dispatchEvent(new Event('change'));
  }

  private get lang(): string {
    return this.data.lang;
  }

  /** "2 fichiers ajoutés": what the native picker would no longer say once the list holds the files. */
  private showState(): void {
    if (!this.state || !this.button) return;
    this.state.textContent = this.t('files.state', { count: this.items.length });
    this.state.hidden = false;
  }

  /** Waits until every picked file is cleaned (or refused). */
  async ready(): Promise<void> {
    let seen: Promise<void> | null = null;
    while (seen !== this.queue) {
      seen = this.queue;
      await seen;
    }
  }

  /** The worker's numbers of the cleaned files, in the order shown. */
  ids(): number[] {
    return this.items.filter((i) => i.id !== null).map((i) => i.id as number);
  }

  get count(): number {
    return this.items.length;
  }

  /** Empties the list and the worker's copies (after the report was sent). */
  clear(): void {
    for (const item of [...this.items]) this.remove(item, false);
    this.errors = [];
    this.showErrors();
  }

  /** Shows a refusal the server gave for the files as a whole. */
  fail(message: () => string): void {
    this.errors = [message];
    this.showErrors();
  }

  private size(bytes: number): string {
    const format = (n: number) => new Intl.NumberFormat(numberLocale(this.lang), { maximumFractionDigits: 1 }).format(n);
    return bytes < MB
      ? this.t('files.kb', { n: format(Math.max(1, Math.ceil(bytes / 1024))) })
      : this.t('files.mb', { n: format(bytes / MB) });
  }

  private add(file: File): void {
    const name = file.name || '—';
    if (this.items.length >= this.maxCount) return void this.errors.push(() => this.t('files.error.count', { name, max: this.maxCount }));
    if (file.size > this.maxFile)
      return void this.errors.push(() =>
        this.t('files.error.tooBig', { name, size: this.size(file.size), max: Math.floor(this.maxFile / MB) }),
      );
    const li = document.createElement('li');
    li.className = 'file';
    const title = document.createElement('p');
    title.className = 'file-name';
    title.textContent = name;
    const status = document.createElement('p');
    status.className = 'file-status';
    const bar = document.createElement('progress');
    bar.className = 'file-progress';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary file-remove';
    li.append(title, status, bar, remove);
    const item: Item = { name, li, status, remove, draw: () => {}, id: null, size: 0, gone: false };
    item.draw = () => {
      status.textContent = this.t('files.cleaning');
      bar.setAttribute('aria-label', this.t('files.cleaning'));
      this.drawRemove(item);
    };
    item.draw();
    remove.addEventListener('click', () => this.remove(item, true));
    this.items.push(item);
    this.list?.append(li);
    if (this.list) this.list.hidden = false;
    this.showState();
    this.queue = this.queue.then(() => this.clean(item, file));
  }

  /** "Retirer" with the file's name for screen readers. */
  private drawRemove(item: Item): void {
    const hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = ` ${item.name}`;
    item.remove.replaceChildren(this.t('files.remove'), hidden);
  }

  private async clean(item: Item, file: File): Promise<void> {
    if (item.gone) return;
    let answer: CleanAnswer;
    try {
      answer = await callWorker<CleanAnswer>('cleanAttachment', { file, maxBytes: this.maxFile });
      if (!answer.ok && answer.code === 'needs_canvas') {
        const jpeg = await reencodeOnPage(file);
        answer = jpeg
          ? await callWorker<CleanAnswer>('cleanAttachment', { file: jpeg, maxBytes: this.maxFile, converted: true })
          : { ...answer, code: 'cannot_decode' };
      }
    } catch (e) {
      if (!item.gone)
        this.refuse(item, () =>
          e instanceof IntegrityError ? this.t('error.integrity') : this.t('files.error.failed', { name: item.name }),
        );
      return;
    }
    if (item.gone) {
      // removed by the resident while it was being cleaned
      if (answer.ok) void callWorker('dropAttachments', { ids: [answer.id] });
      return;
    }
    if (!answer.ok) {
      const refused = answer;
      const message = () =>
        refused.code === 'cannot_decode'
          ? this.t('files.error.reencode', { name: item.name, format: refused.mime ?? '?' })
          : this.t('files.error.refused', { name: item.name, message: this.t(`strip.${refused.reason}`, refused.params) });
      return this.refuse(item, message);
    }
    const total = this.items.reduce((sum, i) => sum + (i.id !== null ? i.size : 0), 0);
    let refusal: (() => string) | null = null;
    const size = answer.size;
    if (size > this.maxFile)
      refusal = () => this.t('files.error.tooBig', { name: item.name, size: this.size(size), max: Math.floor(this.maxFile / MB) });
    else if (total + size > this.maxTotal)
      refusal = () => this.t('files.error.total', { name: item.name, max: Math.floor(this.maxTotal / MB) });
    if (refusal) {
      void callWorker('dropAttachments', { ids: [answer.id] });
      return this.refuse(item, refusal);
    }
    item.id = answer.id;
    item.size = size;
    const { removed, converted } = answer;
    item.draw = () => {
      const labels = byImportance(removed).map((c) => removedLabel(c, this.lang));
      const said = [`${this.size(size)}.`];
      if (converted) said.push(this.t('files.converted'));
      said.push(
        labels.length > 0
          ? this.t('files.removed', { list: labels.join(this.t('list.separator')) })
          : converted
            ? ''
            : this.t('files.nothingFound'),
      );
      item.status.textContent = said.filter(Boolean).join(' ');
      this.drawRemove(item);
    };
    item.draw();
    item.li.querySelector('progress')?.remove();
    item.li.classList.add('file-ready');
  }

  private refuse(item: Item, message: () => string): void {
    this.remove(item, false);
    this.errors.push(message);
    this.showErrors();
  }

  private remove(item: Item, byResident: boolean): void {
    item.gone = true;
    const at = this.items.indexOf(item);
    if (at >= 0) this.items.splice(at, 1);
    item.li.remove();
    if (item.id !== null) void callWorker('dropAttachments', { ids: [item.id] });
    if (this.list) this.list.hidden = this.items.length === 0;
    this.showState();
    if (byResident) {
      this.errors = [];
      this.showErrors();
      (this.button && !this.button.hidden ? this.button : this.input)?.focus();
    }
  }

  private showErrors(): void {
    if (!this.input) return;
    const box = byId('files-error');
    box.replaceChildren(
      ...this.errors.map((e) => Object.assign(document.createElement('span'), { className: 'error-line', textContent: e() })),
    );
    box.hidden = this.errors.length === 0;
    const invalid = this.errors.length > 0 ? 'true' : 'false';
    this.input.setAttribute('aria-invalid', invalid);
    this.button?.setAttribute('aria-invalid', invalid);
    this.showState();
  }
}
