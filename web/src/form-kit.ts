// What the report form and the witness form share (DESIGN promises 1 and 9): field errors tied to
// their fields with a summary that takes the focus, the public config fetched on the first sign of
// writing, the proof of work and the post, one retry when the config changed under the page, the
// messages for failures, and the receipt shown once.

import { ApiClient, ApiClientError } from '../../src/client/api.ts';
import { reportForm, type SealedReport } from '../../src/client/report-form.ts';
import type { PublicConfig } from '../../src/server/public-config.ts';
import type { MessageKey } from '../i18n/index.ts';
import { IntegrityError } from './checked-load.ts';
import { callWorker, startWorker } from './crypto-client.ts';
import { byId, translatorFor, type PageData } from './page-data.ts';
import { ProgressView } from './progress.ts';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

export interface Problem {
  /** the field's id: its error element is `<id>-error` */
  id: string;
  message: string;
  /** the control to focus and mark invalid (null: a group, such as radio buttons) */
  control: HTMLElement | null;
  /** where the summary's link points (default: the control's id) */
  anchor?: string;
}

/**
 * Shows the problems of a form, clearing those of `fieldIds` that are gone; returns true when there
 * is none. Each error is next to its field (aria-describedby points to it), the summary lists them
 * as links, and the focus goes to the first.
 */
export function showProblems(t: T, fieldIds: string[], problems: Problem[], controls: Record<string, HTMLElement | null> = {}): boolean {
  for (const id of fieldIds) {
    const problem = problems.find((p) => p.id === id);
    const error = byId(`${id}-error`);
    error.textContent = problem?.message ?? '';
    error.hidden = !problem;
    const control = problem?.control ?? controls[id] ?? null;
    control?.setAttribute('aria-invalid', problem ? 'true' : 'false');
  }
  const summary = byId('form-errors');
  if (problems.length === 0) {
    summary.hidden = true;
    return true;
  }
  const title = document.createElement('p');
  title.textContent = t('form.errors.title');
  const list = document.createElement('ul');
  for (const p of problems) {
    const link = document.createElement('a');
    link.href = `#${p.anchor ?? p.id}`;
    link.textContent = p.message;
    const item = document.createElement('li');
    item.append(link);
    list.append(item);
  }
  summary.replaceChildren(title, list);
  summary.hidden = false;
  (problems[0]?.control ?? summary).focus();
  return false;
}

/**
 * The page script takes a sealing form over: it validates the fields itself, says that the report
 * is sealed on this device, and fetches the config (and starts the worker) at the first keystroke.
 */
export function takeOverForm(
  data: PageData,
  formId: string,
): { t: T; form: HTMLFormElement; api: ApiClient; progress: ProgressView; config: LazyConfig } {
  const t = translatorFor(data);
  const form = byId<HTMLFormElement>(formId);
  const api = new ApiClient({ server: window.location.origin });
  form.noValidate = true;
  byId('sealed-here').hidden = false;
  return { t, form, api, progress: new ProgressView(t), config: new LazyConfig(api, form) };
}

/** The public config, fetched once the resident starts writing (with the crypto worker). */
export class LazyConfig {
  private pending: Promise<PublicConfig> | null = null;

  constructor(
    private readonly api: ApiClient,
    form: HTMLFormElement,
  ) {
    form.addEventListener('focusin', () => this.warm(), { once: true });
    form.addEventListener('input', () => this.warm(), { once: true });
  }

  warm(): void {
    startWorker();
    this.pending ??= this.api.config();
  }

  get(): Promise<PublicConfig> {
    this.warm();
    return this.pending as Promise<PublicConfig>;
  }

  /** Forgets the config, after the server said it changed. */
  refresh(): void {
    this.pending = this.api.config();
  }
}

export type Post = (form: FormData, onSent: (fraction: number) => void) => Promise<Record<string, unknown>>;

/** Solves a report proof of work in the worker and posts the sealed report. */
export async function proveAndPost(
  api: ApiClient,
  report: SealedReport,
  progress: ProgressView,
  place: (stage: 'pow' | 'send', ratio: number) => number,
  post: Post,
): Promise<Record<string, unknown>> {
  const { challenge } = await api.challenge('report');
  const counter = await callWorker<number>('solve', { challenge }, (_stage, tried, expected) => {
    const ratio = Math.min(0.99, tried / (expected * 1.5));
    progress.show('progress.pow', place('pow', ratio), { percent: Math.round(ratio * 100) });
  });
  progress.show('progress.sending', place('send', 0));
  return post(reportForm(report, { challenge, counter }), (sent) => progress.show('progress.sending', place('send', sent)));
}

/** Seals and sends; if the config changed since the page loaded, fetches it and does both again, once. */
export async function sealAndSend<S, R>(
  seal: () => Promise<S>,
  send: (sealed: S) => Promise<R>,
  config: LazyConfig,
): Promise<{ sealed: S; answer: R }> {
  const sealed = await seal();
  try {
    return { sealed, answer: await send(sealed) };
  } catch (e) {
    if (!(e instanceof ApiClientError && e.code === 'stale_config')) throw e;
    config.refresh();
    const again = await seal();
    return { sealed: again, answer: await send(again) };
  }
}

export function failureText(t: T, e: unknown): string {
  if (e instanceof ApiClientError) return t('error.server', { code: e.code });
  if (e instanceof IntegrityError) return t('error.integrity');
  return e instanceof TypeError ? t('error.network') : t('error.unsupported');
}

export function showFailure(message: string): void {
  const summary = byId('form-errors');
  summary.textContent = message;
  summary.hidden = false;
  summary.focus();
}

/**
 * Shows the receipt section once: fills `texts` (element id → text), then, when the resident says
 * they copied it, clears them and reloads the page so nothing of it stays.
 */
export function showReceiptOnce(texts: Record<string, string>): void {
  for (const [id, text] of Object.entries(texts)) byId(id).textContent = text;
  const section = byId('receipt');
  section.hidden = false;
  section.focus();
  const done = byId<HTMLInputElement>('receipt-done');
  const finish = byId<HTMLButtonElement>('receipt-finish');
  done.addEventListener('change', () => (finish.disabled = !done.checked));
  finish.addEventListener('click', () => {
    for (const id of Object.keys(texts)) byId(id).textContent = '';
    window.location.replace(window.location.pathname + window.location.search);
  });
}
