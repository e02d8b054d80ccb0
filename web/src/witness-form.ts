// The witness request form with JavaScript (DESIGN promise 6, "Flows: Witness request"): checks
// the fields of both sections (errors tied to each field and summarised, focus on the first), then
// has the crypto worker seal the testimony to the investigators' keys and the identity, apart, to
// the custodians' keys only (sealReport with `identity`), make the receipt and reply key and solve
// the proof of work; only sealed bytes are posted. The receipt and the witness number are shown once.
// Loaded by resident.ts only on this page.

import type { SealedReport } from '../../src/client/report-form.ts';
import { composeReportText } from '../../src/core/report-text.ts';
import { composeIdentityText, type IdentityLabels } from '../../src/core/witness-text.ts';
import type { MessageKey } from '../i18n/index.ts';
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

interface WitnessPageData extends PageData {
  identityLabels?: IdentityLabels;
  wishLabels?: Record<string, string>;
}

const REQUIRED: [string, MessageKey][] = [
  ['what', 'witness.error.what'],
  ['name', 'witness.error.name'],
  ['contact', 'witness.error.contact'],
];

export function initWitnessForm(data: WitnessPageData): void {
  const { t, form, api, progress, config } = takeOverForm(data, 'witness-form', 'witness');
  const place = (stage: 'pow' | 'send', ratio: number) => (stage === 'pow' ? 0.5 + 0.4 * ratio : 0.95 + 0.05 * ratio);

  const value = (fields: FormData, name: string) => String(fields.get(name) ?? '').trim();

  const validate = (focus = true): FormData | null => {
    const fields = new FormData(form);
    const problems: Problem[] = REQUIRED.filter(([name]) => !value(fields, name)).map(([name, key]) => ({
      id: name,
      message: t(key),
      control: byId(name),
    }));
    const controls = Object.fromEntries(REQUIRED.map(([name]) => [name, byId(name)]));
    return showProblems(
      t,
      REQUIRED.map(([name]) => name),
      problems,
      controls,
      focus,
    )
      ? fields
      : null;
  };
  redrawProblemsWith(() => validate(false));

  const seal = async (fields: FormData): Promise<{ report: SealedReport; receipt: string }> => {
    const category = value(fields, 'category');
    const labels = data.reportLabels ?? { category: 'Catégorie', what: 'Que se passe-t-il', where: 'Où', when: 'Quand' };
    const text = composeReportText(labels, {
      category: data.categoryLabels?.[category] ?? category,
      what: value(fields, 'what'),
      where: value(fields, 'where'),
      when: value(fields, 'when'),
    });
    const identityLabels = data.identityLabels ?? {
      name: 'Nom',
      contact: 'Contact',
      when: 'Quand',
      avoid: 'Qui ne doit pas savoir',
      status: 'Statut souhaité',
    };
    const identity = composeIdentityText(identityLabels, {
      name: value(fields, 'name'),
      contact: value(fields, 'contact'),
      when: value(fields, 'safeWhen'),
      avoid: value(fields, 'avoid'),
      status: data.wishLabels?.[value(fields, 'wish')] ?? '',
    });
    progress.show('progress.loading', 0.02);
    return callWorker('sealReport', { config: await config.get(), input: { category, text, identity } }, (stage, done, total) => {
      progress.show(
        stage === 'receipt' ? 'progress.receipt' : 'progress.sealing',
        stage === 'receipt' ? 0.3 + 0.2 * (done / total) : 0.05 + 0.25 * (done / total),
      );
    });
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = validate();
    if (!fields) return;
    const button = byId<HTMLButtonElement>('send');
    button.disabled = true;
    try {
      const post = async (body: FormData, headers: Record<string, string>) =>
        (await (await api.request('POST', '/api/v1/reports', body, undefined, undefined, headers)).json()) as Record<string, unknown>;
      const { sealed, answer } = await sealAndSend(
        () => seal(fields),
        (s) => proveAndPost(api, s.report, progress, place, post),
        config,
      );
      showReceiptOnce(
        {
          'receipt-number': () => t('witness.receipt.number', { number: String(answer.witness) }),
          'receipt-ref': () => t('receipt.ref', { ref: String(answer.ref) }),
          'receipt-code': () => sealed.receipt,
        },
        () => t('receipt.leave'),
      );
      form.reset();
      form.hidden = true;
    } catch (e) {
      progress.hide();
      showFailure(() => failureText(t, e, 'witness.error.temporarilyUnavailable'));
    } finally {
      button.disabled = false;
    }
  });
}
