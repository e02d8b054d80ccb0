// The report form with JavaScript (DESIGN "Flows: Tip", promises 1, 3, 4, 5): checks the fields
// (errors tied to each field and summarised, focus on the first), then has the crypto worker pad
// and seal the text and each attached file (cleaned of its metadata when it was picked, see
// attachments.ts) to the category's keys, make the receipt and the reply key, and solve the
// proof of work; only sealed bytes are posted, with upload progress. The receipt is shown once.

import { ApiClientError } from '../../src/client/api.ts';
import type { SealedReport } from '../../src/client/report-form.ts';
import { composeReportText } from '../../src/core/report-text.ts';
import { AttachmentList } from './attachments.ts';
import { postWithProgress } from './attachments-upload.ts';
import { callWorker } from './crypto-client.ts';
import {
  failureText,
  proveAndPost,
  redrawProblemsWith,
  sealAndSend,
  showFailure,
  showProblems,
  takeOverForm,
  type Problem,
} from './form-kit.ts';
import { byId, type PageData } from './page-data.ts';
import { showReceiptOnce } from './receipt-guard.ts';

interface Fields {
  category: string;
  what: string;
  where: string;
  when: string;
}

export function initReportForm(data: PageData): void {
  const { t, form, api, progress, config } = takeOverForm(data, 'report-form', 'report');
  const files = new AttachmentList(t, data, () => config.warm());
  // Where each stage sits on the progress bar: with files, the upload takes most of the time.
  const span = (stage: 'seal' | 'receipt' | 'pow' | 'send', ratio: number): number => {
    const spans: Record<typeof stage, [number, number]> =
      files.count > 0
        ? { seal: [0.05, 0.25], receipt: [0.25, 0.35], pow: [0.35, 0.6], send: [0.6, 1] }
        : { seal: [0.05, 0.3], receipt: [0.3, 0.5], pow: [0.5, 0.9], send: [0.9, 1] };
    const [from, to] = spans[stage];
    return from + (to - from) * Math.min(1, Math.max(0, ratio));
  };

  const validate = (focus = true): Fields | null => {
    const fields = new FormData(form);
    const value = (name: string) => String(fields.get(name) ?? '').trim();
    const problems: Problem[] = [];
    if (!value('category'))
      problems.push({
        id: 'category',
        message: t('form.error.category'),
        control: form.querySelector('input[name="category"]'),
        anchor: 'category-field',
      });
    if (!value('what')) problems.push({ id: 'what', message: t('form.error.what'), control: byId('what') });
    if (!showProblems(t, ['category', 'what'], problems, { what: byId('what') }, focus)) return null;
    return { category: value('category'), what: value('what'), where: value('where'), when: value('when') };
  };
  redrawProblemsWith(() => validate(false));

  const seal = async (fields: Fields): Promise<{ report: SealedReport; receipt: string }> => {
    const labels = data.reportLabels ?? { category: 'Catégorie', what: 'Que se passe-t-il', where: 'Où', when: 'Quand' };
    const text = composeReportText(labels, {
      category: data.categoryLabels?.[fields.category] ?? fields.category,
      what: fields.what,
      where: fields.where,
      when: fields.when,
    });
    progress.show('progress.loading', 0.02);
    if (files.count > 0) {
      progress.show('progress.cleaning', 0.03);
      await files.ready();
    }
    return callWorker(
      'sealReport',
      { config: await config.get(), input: { category: fields.category, text }, attachments: files.ids() },
      (stage, done, total) => {
        progress.show(
          stage === 'receipt' ? 'progress.receipt' : 'progress.sealing',
          span(stage === 'receipt' ? 'receipt' : 'seal', done / total),
        );
      },
    );
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = validate();
    if (!fields) return;
    const button = byId<HTMLButtonElement>('send');
    button.disabled = true;
    try {
      const { sealed, answer } = await sealAndSend(
        () => seal(fields),
        (s) =>
          proveAndPost(api, s.report, progress, span, (body, headers, onSent) =>
            postWithProgress('/api/v1/reports', body, headers, onSent),
          ),
        config,
      );
      showReceiptOnce({ 'receipt-ref': () => t('receipt.ref', { ref: String(answer.ref) }), 'receipt-code': () => sealed.receipt }, () =>
        t('receipt.leave'),
      );
      files.clear();
      form.reset();
      form.hidden = true;
    } catch (e) {
      progress.hide();
      const tooLarge = e instanceof ApiClientError && (e.code === 'report_too_large' || e.code === 'body_too_large');
      if (tooLarge) files.fail(() => t('files.error.serverTotal'));
      showFailure(() => (tooLarge ? t('files.error.serverTotal') : failureText(t, e)));
    } finally {
      button.disabled = false;
    }
  });
}
