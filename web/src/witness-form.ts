// The witness request form with JavaScript (DESIGN promise 6, "Flows: Witness request"): checks
// the fields of both sections (errors tied to each field and summarised, focus on the first), then
// has the crypto worker seal the testimony to the investigators' keys and the identity, apart, to
// the custodians' keys only (sealReport with `identity`), make the receipt and reply key and solve
// the proof of work; only sealed bytes are posted. The receipt and the witness number are shown once.
// Loaded by resident.ts only on this page.

import { ApiClient, ApiClientError } from '../../src/client/api.ts';
import { reportForm, type SealedReport } from '../../src/client/report-form.ts';
import { composeReportText } from '../../src/core/report-text.ts';
import { composeIdentityText, type IdentityLabels } from '../../src/core/witness-text.ts';
import type { PublicConfig } from '../../src/server/public-config.ts';
import type { MessageKey } from '../i18n/index.ts';
import { callWorker, startWorker } from './crypto-client.ts';
import { byId, translatorFor, type PageData } from './page-data.ts';
import { ProgressView } from './progress.ts';

interface WitnessPageData extends PageData {
  identityLabels?: IdentityLabels;
  wishLabels?: Record<string, string>;
}

const REQUIRED: [string, MessageKey][] = [['what', 'witness.error.what'], ['name', 'witness.error.name'], ['contact', 'witness.error.contact']];

export function initWitnessForm(data: WitnessPageData): void {
  const t = translatorFor(data);
  const form = byId<HTMLFormElement>('witness-form');
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

  const value = (fields: FormData, name: string) => String(fields.get(name) ?? '').trim();

  const validate = (): FormData | null => {
    const fields = new FormData(form);
    const problems = REQUIRED.filter(([name]) => !value(fields, name));
    for (const [name, key] of REQUIRED) {
      const missing = problems.some(([n]) => n === name);
      const error = byId(`${name}-error`);
      error.textContent = missing ? t(key) : '';
      error.hidden = !missing;
      byId(name).setAttribute('aria-invalid', missing ? 'true' : 'false');
    }
    const summary = byId('form-errors');
    if (problems.length === 0) {
      summary.hidden = true;
      return fields;
    }
    const title = document.createElement('p');
    title.textContent = t('form.errors.title');
    const list = document.createElement('ul');
    for (const [name, key] of problems) {
      const link = document.createElement('a');
      link.href = `#${name}`;
      link.textContent = t(key);
      const item = document.createElement('li');
      item.append(link);
      list.append(item);
    }
    summary.replaceChildren(title, list);
    summary.hidden = false;
    byId(problems[0]?.[0] as string).focus();
    return null;
  };

  const seal = async (fields: FormData): Promise<{ report: SealedReport; receipt: string }> => {
    warm();
    const category = value(fields, 'category');
    const labels = data.reportLabels ?? { category: 'Catégorie', what: 'Que se passe-t-il', where: 'Où', when: 'Quand' };
    const text = composeReportText(labels, { category: data.categoryLabels?.[category] ?? category, what: value(fields, 'what'), where: value(fields, 'where'), when: value(fields, 'when') });
    const identityLabels = data.identityLabels ?? { name: 'Nom', contact: 'Contact', when: 'Quand', avoid: 'Qui ne doit pas savoir', status: 'Statut souhaité' };
    const identity = composeIdentityText(identityLabels, {
      name: value(fields, 'name'), contact: value(fields, 'contact'), when: value(fields, 'safeWhen'), avoid: value(fields, 'avoid'), status: data.wishLabels?.[value(fields, 'wish')] ?? '',
    });
    progress.show('progress.loading', 0.02);
    return callWorker('sealReport', { config: await config, input: { category, text, identity } }, (stage, done, total) => {
      progress.show(stage === 'receipt' ? 'progress.receipt' : 'progress.sealing', stage === 'receipt' ? 0.3 + 0.2 * (done / total) : 0.05 + 0.25 * (done / total));
    });
  };

  const send = async (sealed: { report: SealedReport }): Promise<{ ref: string; witness: string }> => {
    const { challenge } = await api.challenge('report');
    const counter = await callWorker<number>('solve', { challenge }, (_stage, tried, expected) => {
      const ratio = Math.min(0.99, tried / (expected * 1.5));
      progress.show('progress.pow', 0.5 + 0.4 * ratio, { percent: Math.round(ratio * 100) });
    });
    progress.show('progress.sending', 0.95);
    const res = await api.request('POST', '/api/v1/reports', reportForm(sealed.report, { challenge, counter }));
    return (await res.json()) as { ref: string; witness: string };
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = validate();
    if (!fields) return;
    const button = byId<HTMLButtonElement>('send');
    button.disabled = true;
    try {
      let sealed = await seal(fields);
      let filed: { ref: string; witness: string };
      try {
        filed = await send(sealed);
      } catch (e) {
        // The config changed since the page loaded: fetch it again and seal again, once.
        if (!(e instanceof ApiClientError && e.code === 'stale_config')) throw e;
        config = api.config();
        sealed = await seal(fields);
        filed = await send(sealed);
      }
      showReceipt(t, filed, sealed.receipt);
      form.reset();
      form.hidden = true;
    } catch (e) {
      progress.hide();
      const summary = byId('form-errors');
      summary.textContent = e instanceof ApiClientError ? t('error.server', { code: e.code }) : e instanceof TypeError ? t('error.network') : t('error.unsupported');
      summary.hidden = false;
      summary.focus();
    } finally {
      button.disabled = false;
    }
  });
}

function showReceipt(t: ReturnType<typeof translatorFor>, filed: { ref: string; witness: string }, receipt: string): void {
  const section = byId('receipt');
  byId('receipt-number').textContent = t('witness.receipt.number', { number: filed.witness });
  byId('receipt-ref').textContent = t('receipt.ref', { ref: filed.ref });
  byId('receipt-code').textContent = receipt;
  section.hidden = false;
  section.focus();
  const done = byId<HTMLInputElement>('receipt-done');
  const finish = byId<HTMLButtonElement>('receipt-finish');
  done.addEventListener('change', () => (finish.disabled = !done.checked));
  finish.addEventListener('click', () => {
    byId('receipt-code').textContent = '';
    byId('receipt-number').textContent = '';
    window.location.replace(window.location.pathname + window.location.search);
  });
}
