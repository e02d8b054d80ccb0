// The auditor's inputs (DESIGN promise 7, issues 6 and 11): their own copy of the log's public key
// (a file or pasted — never taken from the server, whose config could name another key), their own
// copies of the cosigners' keys with the quorum and the maximum age (or those their state file
// kept) and, optionally, the state file of their last verification. Each run clears the previous result at
// once, so nothing from an earlier run stands next to a new verdict, then shows the verdict and,
// only if the log verified, its entries.

import { el } from '../staff/dom.ts';
import type { AuditorContext } from './context.ts';
import { rowsOf } from './entries.ts';
import { deploymentsView } from './deployments-view.ts';
import { entriesView } from './entries-view.ts';
import { verdictView } from './verdict-view.ts';
import { startVerification } from './verify-client.ts';

export function showSetup(ctx: AuditorContext): void {
  const { t } = ctx;
  const keyFile = el('input', { type: 'file', id: 'log-key-file', accept: '.pub,.txt,text/plain' });
  const keyText = el('textarea', { id: 'log-key-text', rows: '2', autocomplete: 'off', spellcheck: 'false' });
  const stateFile = el('input', { type: 'file', id: 'state-file', accept: '.json,application/json', 'aria-describedby': 'state-hint' });
  const cosigners = el('textarea', {
    id: 'cosigner-keys',
    rows: '3',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'cosigner-hint',
  });
  const quorum = el('input', { type: 'number', id: 'quorum', min: '0', max: '16', inputmode: 'numeric' });
  const maxAge = el('input', { type: 'number', id: 'max-age', min: '1', inputmode: 'numeric' });
  const error = el('p', { class: 'error', id: 'setup-error', role: 'alert', hidden: true });
  const status = el('p', { id: 'audit-status', role: 'status' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'verify' }, t('audit.verify'));
  const form = el(
    'form',
    { id: 'audit-form', class: 'panel', autocomplete: 'off' },
    el('p', {}, t('audit.keyIntro')),
    error,
    el('div', { class: 'field' }, el('label', { for: 'log-key-file' }, t('audit.logKeyFile')), keyFile),
    el('div', { class: 'field' }, el('label', { for: 'log-key-text' }, t('audit.logKeyText')), keyText),
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'state-file' }, t('audit.stateFile')),
      el('p', { class: 'hint', id: 'state-hint' }, t('audit.stateHint')),
      stateFile,
    ),
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'cosigner-keys' }, t('audit.cosignerKeys')),
      el('p', { class: 'hint', id: 'cosigner-hint' }, t('audit.cosignerHint')),
      cosigners,
    ),
    el('div', { class: 'field' }, el('label', { for: 'quorum' }, t('audit.quorum')), quorum),
    el('div', { class: 'field' }, el('label', { for: 'max-age' }, t('audit.maxAge')), maxAge),
    submit,
    status,
  );
  const result = el('div', { id: 'audit-result' });
  const heading = el('h1', { tabindex: '-1' }, t('audit.title'));
  (document.getElementById('app') as HTMLElement).replaceChildren(heading, el('p', {}, t('audit.intro')), form, result);
  heading.focus();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.replaceChildren();
    error.hidden = true;
    const logKey = keyFile.files?.[0] ? await keyFile.files[0].text() : keyText.value;
    if (!logKey.trim()) {
      error.textContent = t('audit.error.noKey');
      error.hidden = false;
      keyFile.focus();
      return;
    }
    const state = stateFile.files?.[0] ? await stateFile.files[0].text() : null;
    submit.disabled = true;
    status.textContent = t('audit.working');
    const parts: HTMLElement[] = [];
    let verdict: HTMLElement;
    try {
      const number = (input: HTMLInputElement) => (input.value.trim() === '' ? null : Number(input.value));
      const input = { logKey, state, cosigners: cosigners.value, quorum: number(quorum), maxAgeSeconds: number(maxAge) };
      const run = startVerification(ctx.session, input, (done, total) => {
        status.textContent = t('audit.progress', { done, total });
      });
      const outcome = await run.outcome;
      if (outcome.type === 'verified') {
        status.textContent = t('audit.preparing', { size: outcome.size });
        const rows = await rowsOf(outcome.entries);
        parts.push(deploymentsView(ctx, rows), entriesView(ctx, outcome, rows));
      }
      verdict = verdictView(ctx, outcome, run.servedCheckpoint());
    } catch (e) {
      parts.length = 0;
      verdict = verdictView(ctx, { type: 'error', message: e instanceof Error ? e.message : String(e) }, null);
    } finally {
      status.textContent = '';
      submit.disabled = false;
    }
    result.replaceChildren(verdict, ...parts);
    verdict.focus();
  });
}
