// What the report form and the witness form share (DESIGN promises 1 and 9): field errors tied to
// their fields with a summary that takes the focus (its links move the focus to the field, both
// scrolled into view below the sticky header), drawn again when the language changes; the
// sentence that the report is sealed on this device; the public config fetched on the first sign
// of writing, the proof of work and the post, one retry when the config changed under the page,
// and the messages for failures.

import { ApiClient, ApiClientError } from '../../src/client/api.ts';
import { powHeader, reportForm, type SealedReport } from '../../src/client/report-form.ts';
import type { PublicConfig } from '../../src/server/public-config.ts';
import type { MessageKey } from '../i18n/index.ts';
import { IntegrityError } from './checked-load.ts';
import { SEALED_HERE } from '../i18n/sealed-here.ts';
import { callWorker, startWorker } from './crypto-client.ts';
import { focusInView } from './focus.ts';
import { onLanguageChange } from './language-switch.ts';
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

/** How to draw the summary again in another language (the last validation, or the last failure). */
let redrawSummary: (() => void) | null = null;
let redrawValidation: (() => void) | null = null;
onLanguageChange(() => redrawSummary?.());

/**
 * Shows the problems of a form, clearing those of `fieldIds` that are gone; returns true when there
 * is none. Each error is next to its field (aria-describedby points to it), the summary lists them
 * under a heading as links to the fields, and takes the focus (unless `focus` is false: a redraw).
 */
export function showProblems(
  t: T,
  fieldIds: string[],
  problems: Problem[],
  controls: Record<string, HTMLElement | null> = {},
  focus = true,
): boolean {
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
  const title = document.createElement('h2');
  title.className = 'error-title';
  title.textContent = t('form.errors.title');
  const list = document.createElement('ul');
  for (const p of problems) {
    const link = document.createElement('a');
    link.href = `#${p.anchor ?? p.id}`;
    link.textContent = p.message;
    link.addEventListener('click', (event) => {
      event.preventDefault(); // no #fragment in the address; the focus goes to the field itself
      const target = p.control ?? document.getElementById(p.anchor ?? p.id);
      if (target) focusInView(target);
    });
    const item = document.createElement('li');
    item.append(link);
    list.append(item);
  }
  summary.replaceChildren(title, list);
  summary.hidden = false;
  redrawSummary = redrawValidation;
  if (focus) focusInView(summary);
  return false;
}

/** Registers a form's validation to draw its errors again, without moving the focus, after a language change. */
export function redrawProblemsWith(validate: () => void): void {
  redrawValidation = () => {
    if (!byId('form-errors').hidden) validate();
  };
}

/**
 * The page script takes a sealing form over: it validates the fields itself, says that the report
 * is sealed on this device, and fetches the config (and starts the worker) at the first keystroke.
 */
export function takeOverForm(
  data: PageData,
  formId: string,
  claim: 'report' | 'witness',
): { t: T; form: HTMLFormElement; api: ApiClient; progress: ProgressView; config: LazyConfig } {
  const t = translatorFor(data);
  const form = byId<HTMLFormElement>(formId);
  const api = new ApiClient({ server: window.location.origin });
  form.noValidate = true;
  const sealedHere = byId('sealed-here');
  const say = () => (sealedHere.textContent = (SEALED_HERE[data.lang] ?? SEALED_HERE.fr)?.[claim] ?? '');
  say();
  sealedHere.hidden = false;
  onLanguageChange(say);
  const progress = new ProgressView(t);
  onLanguageChange(() => progress.relabel());
  return { t, form, api, progress, config: new LazyConfig(api, form) };
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

export type Post = (
  form: FormData,
  headers: Record<string, string>,
  onSent: (fraction: number) => void,
) => Promise<Record<string, unknown>>;

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
  return post(reportForm(report), powHeader({ challenge, counter }), (sent) => progress.show('progress.sending', place('send', sent)));
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

/** What the resident reads when sending failed; `unavailable`: the words for a category nobody can read at the moment. */
export function failureText(t: T, e: unknown, unavailable: MessageKey = 'form.error.unavailable'): string {
  if (e instanceof ApiClientError && e.code === 'category_unavailable') return t(unavailable);
  if (e instanceof ApiClientError) return t('error.server', { code: e.code });
  if (e instanceof IntegrityError) return t('error.integrity');
  return e instanceof TypeError ? t('error.network') : t('error.unsupported');
}

/** Shows why sending failed in the summary, and takes the focus there; `message` is asked again after a language change. */
export function showFailure(message: () => string): void {
  const summary = byId('form-errors');
  const draw = () => (summary.textContent = message());
  draw();
  summary.hidden = false;
  focusInView(summary);
  redrawSummary = () => {
    if (!summary.hidden) draw();
  };
}
