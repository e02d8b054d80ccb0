// The report form with JavaScript (DESIGN "Flows: Tip", promises 1, 3, 4, 5): checks the fields
// (errors tied to each field and summarised, focus on the first), then has the crypto worker pad
// and seal the text and each attached file (cleaned of its metadata when it was picked, see
// attachments.ts) to the category's keys, make the receipt and the reply key, and solve the
// proof of work; only sealed bytes are posted, with upload progress. The receipt is shown once.

import { ApiClient, ApiClientError } from '../../src/client/api.ts';
import { reportForm, type SealedReport } from '../../src/client/report-form.ts';
import { composeReportText } from '../../src/core/report-text.ts';
import type { PublicConfig } from '../../src/server/public-config.ts';
import type { MessageKey } from '../i18n/index.ts';
import { AttachmentList } from './attachments.ts';
import { postWithProgress } from './attachments-upload.ts';
import { callWorker, startWorker } from './crypto-client.ts';
import { byId, translatorFor, type PageData } from './page-data.ts';
import { ProgressView } from './progress.ts';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

function setError(t: T, id: string, message: string | null, control?: HTMLElement | null): void {
  const error = byId(`${id}-error`);
  error.textContent = message ?? '';
  error.hidden = message === null;
  if (control) control.setAttribute('aria-invalid', message ? 'true' : 'false');
}

export function initReportForm(data: PageData): void {
  const t = translatorFor(data);
  const form = byId<HTMLFormElement>('report-form');
  const api = new ApiClient({ server: window.location.origin });
  const progress = new ProgressView(t);
  form.noValidate = true;
  byId('sealed-here').hidden = false;

  let config: Promise<PublicConfig> | null = null;
  const warm = () => {
    startWorker();
    config ??= api.config();
  };
  form.addEventListener('focusin', warm, { once: true });
  form.addEventListener('input', warm, { once: true });
  const files = new AttachmentList(t, data.lang, warm);
  // Where each stage sits on the progress bar: with files, the upload takes most of the time.
  const span = (stage: 'seal' | 'receipt' | 'pow' | 'send', ratio: number): number => {
    const spans: Record<typeof stage, [number, number]> = files.count > 0
      ? { seal: [0.05, 0.25], receipt: [0.25, 0.35], pow: [0.35, 0.6], send: [0.6, 1] }
      : { seal: [0.05, 0.3], receipt: [0.3, 0.5], pow: [0.5, 0.9], send: [0.9, 1] };
    const [from, to] = spans[stage];
    return from + (to - from) * Math.min(1, Math.max(0, ratio));
  };

  const validate = (): { category: string; what: string; where: string; when: string } | null => {
    const fields = new FormData(form);
    const category = String(fields.get('category') ?? '');
    const what = String(fields.get('what') ?? '').trim();
    const problems: [string, string, HTMLElement | null][] = [];
    setError(t, 'category', null);
    setError(t, 'what', null, byId('what'));
    if (!category) problems.push(['category', t('form.error.category'), form.querySelector('input[name="category"]')]);
    if (!what) problems.push(['what', t('form.error.what'), byId('what')]);
    const summary = byId('form-errors');
    if (problems.length === 0) {
      summary.hidden = true;
      return { category, what, where: String(fields.get('where') ?? ''), when: String(fields.get('when') ?? '') };
    }
    for (const [id, message, control] of problems) setError(t, id, message, id === 'what' ? control : null);
    summary.replaceChildren();
    const title = document.createElement('p');
    title.textContent = t('form.errors.title');
    const list = document.createElement('ul');
    for (const [id, message] of problems) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = `#${id === 'category' ? 'category-field' : id}`;
      link.textContent = message;
      item.append(link);
      list.append(item);
    }
    summary.append(title, list);
    summary.hidden = false;
    (problems[0]?.[2] ?? summary).focus();
    return null;
  };

  const seal = async (fields: { category: string; what: string; where: string; when: string }): Promise<{ report: SealedReport; receipt: string }> => {
    warm();
    const labels = data.reportLabels ?? { category: 'Catégorie', what: 'Que se passe-t-il', where: 'Où', when: 'Quand' };
    const text = composeReportText(labels, { category: data.categoryLabels?.[fields.category] ?? fields.category, what: fields.what, where: fields.where, when: fields.when });
    progress.show('progress.loading', 0.02);
    if (files.count > 0) {
      progress.show('progress.cleaning', 0.03);
      await files.ready();
    }
    const attachments = files.ids();
    return callWorker('sealReport', { config: await config, input: { category: fields.category, text }, attachments }, (stage, done, total) => {
      progress.show(stage === 'receipt' ? 'progress.receipt' : 'progress.sealing', span(stage === 'receipt' ? 'receipt' : 'seal', done / total));
    });
  };

  const send = async (sealed: { report: SealedReport }): Promise<string> => {
    const { challenge } = await api.challenge('report');
    const counter = await callWorker<number>('solve', { challenge }, (_stage, tried, expected) => {
      const ratio = Math.min(0.99, tried / (expected * 1.5));
      progress.show('progress.pow', span('pow', ratio), { percent: Math.round(ratio * 100) });
    });
    progress.show('progress.sending', span('send', 0));
    const answer = await postWithProgress('/api/v1/reports', reportForm(sealed.report, { challenge, counter }), (sent) => progress.show('progress.sending', span('send', sent)));
    return String(answer.ref);
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = validate();
    if (!fields) return;
    const button = byId<HTMLButtonElement>('send');
    button.disabled = true;
    try {
      let sealed = await seal(fields);
      let ref: string;
      try {
        ref = await send(sealed);
      } catch (e) {
        // The config changed since the page loaded: fetch it again and seal again, once.
        if (!(e instanceof ApiClientError && e.code === 'stale_config')) throw e;
        config = api.config();
        sealed = await seal(fields);
        ref = await send(sealed);
      }
      showReceipt(t, ref, sealed.receipt);
      files.clear();
      form.reset();
      form.hidden = true;
    } catch (e) {
      progress.hide();
      const summary = byId('form-errors');
      const tooLarge = e instanceof ApiClientError && (e.code === 'report_too_large' || e.code === 'body_too_large');
      if (tooLarge) files.fail(t('files.error.serverTotal'));
      summary.textContent = tooLarge ? t('files.error.serverTotal') : e instanceof ApiClientError ? t('error.server', { code: e.code }) : e instanceof TypeError ? t('error.network') : t('error.unsupported');
      summary.hidden = false;
      summary.focus();
    } finally {
      button.disabled = false;
    }
  });
}

function showReceipt(t: T, ref: string, receipt: string): void {
  const section = byId('receipt');
  byId('receipt-ref').textContent = t('receipt.ref', { ref });
  byId('receipt-code').textContent = receipt;
  section.hidden = false;
  section.focus();
  const done = byId<HTMLInputElement>('receipt-done');
  const finish = byId<HTMLButtonElement>('receipt-finish');
  done.addEventListener('change', () => (finish.disabled = !done.checked));
  finish.addEventListener('click', () => {
    byId('receipt-code').textContent = '';
    window.location.replace(window.location.pathname + window.location.search);
  });
}
