// The staff login form, shared by the console and the auditor page: a key file or a pasted key,
// its passphrase, clear messages for each refusal. The passphrase field and the key fields are
// emptied as soon as the key is unlocked.

import { ApiClientError } from '../../../src/client/api.ts';
import type { StaffKey } from '../../i18n/staff/index.ts';
import { el } from './dom.ts';
import { StaffSession } from './session.ts';

type T = (key: StaffKey, params?: Record<string, string | number>) => string;

function errorKey(e: unknown): StaffKey | null {
  if (e instanceof ApiClientError) {
    if (e.code === 'login_unknown_key') return 'login.error.unknownKey';
    if (e.code === 'login_signature_invalid' || e.code === 'login_signature_malformed') return 'login.error.signature';
    if (e.code.startsWith('login_challenge') || e.code === 'login_pow_insufficient') return 'login.error.challenge';
    return null;
  }
  const message = e instanceof Error ? e.message.toLowerCase() : '';
  if (message.includes('passphrase') || message.includes('decrypt')) return 'login.error.passphrase';
  return 'login.error.notPrivate';
}

export function showLogin(t: T, page: string, onSession: (session: StaffSession) => void): void {
  const app = document.getElementById('app') as HTMLElement;
  const ended = new URLSearchParams(window.location.search).get('ended');
  const error = el('p', { class: 'error', id: 'login-error', role: 'alert', hidden: true });
  const file = el('input', { type: 'file', id: 'key-file', accept: '.asc,.key,.txt,text/plain' });
  const text = el('textarea', { id: 'key-text', rows: '4', autocomplete: 'off', spellcheck: 'false' });
  const passphrase = el('input', { type: 'password', id: 'passphrase', autocomplete: 'off', required: true });
  const status = el('p', { id: 'login-status', role: 'status' });
  const submit = el('button', { type: 'submit', class: 'primary' }, t('login.submit'));
  const form = el(
    'form',
    { id: 'login-form', class: 'panel', autocomplete: 'off' },
    el('h1', {}, t('login.title')),
    ended ? el('p', { class: 'notice' }, t(ended === 'expired' ? 'login.expired' : 'login.loggedOut')) : null,
    el('p', {}, t('login.intro')),
    error,
    el('div', { class: 'field' }, el('label', { for: 'key-file' }, t('login.keyFile')), file),
    el('div', { class: 'field' }, el('label', { for: 'key-text' }, t('login.keyText')), text),
    el('div', { class: 'field' }, el('label', { for: 'passphrase' }, t('login.passphrase')), passphrase),
    submit,
    status,
  );
  app.replaceChildren(form);
  (ended ? form : file).focus?.();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const armored = file.files?.[0] ? await file.files[0].text() : text.value.trim();
    if (!armored) {
      error.textContent = t('login.error.noKey');
      error.hidden = false;
      file.focus();
      return;
    }
    submit.disabled = true;
    status.textContent = t('login.working');
    try {
      const session = await StaffSession.open(page, armored, passphrase.value);
      passphrase.value = '';
      text.value = '';
      file.value = '';
      onSession(session);
    } catch (e) {
      const key = errorKey(e);
      error.textContent = key ? t(key) : t('login.error.other', { code: e instanceof ApiClientError ? e.code : '?' });
      error.hidden = false;
      status.textContent = '';
      passphrase.focus();
    } finally {
      submit.disabled = false;
    }
  });
}

/** The bar with who is logged in, the logout button and the idle warning. */
export function showSessionBar(t: T, session: StaffSession): void {
  const bar = document.getElementById('session-bar') as HTMLElement;
  const logout = el('button', { type: 'button', class: 'secondary', id: 'logout' }, t('session.logout'));
  logout.addEventListener('click', () => session.end('logout'));
  bar.replaceChildren(
    el(
      'span',
      { class: 'session' },
      el(
        'span',
        { class: 'who' },
        t('session.who', { name: session.member.name, inboxes: session.member.inboxes.join(', ') || session.member.roles.join(', ') }),
      ),
      logout,
    ),
  );

  let warning: HTMLElement | null = null;
  session.onIdleWarning = (minutes) => {
    const text = t('session.idle', { minutes });
    if (warning) {
      (warning.firstChild as HTMLElement).textContent = text;
      return;
    }
    const stay = el('button', { type: 'button', class: 'primary', id: 'stay' }, t('session.stay'));
    warning = el(
      'div',
      { class: 'idle-warning', role: 'alertdialog', 'aria-live': 'assertive', id: 'idle-warning' },
      el('p', {}, text),
      stay,
    );
    stay.addEventListener('click', () => void session.stay());
    document.body.append(warning);
    stay.focus();
  };
  session.onActive = () => {
    warning?.remove();
    warning = null;
  };
}
