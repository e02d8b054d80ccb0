// Entry script of the auditor page (/audit/; DESIGN promise 7, issue 6 item 4): the auditor logs
// in with their own key (the console's login, web/src/staff/), loads their own copy of the log's
// public key and, if they have one, their state file, and the page verifies the log in the browser
// (worker.ts) before it shows any entry. A bundle of its own; no report is ever read here.

import type { StaffCatalogue } from '../../i18n/staff/index.ts';
import { translate } from '../../i18n/translate.ts';
import { el, readPageData } from '../staff/dom.ts';
import { showLogin, showSessionBar } from '../staff/login-view.ts';
import type { StaffSession } from '../staff/session.ts';
import type { AuditorContext } from './context.ts';
import { showSetup } from './setup-view.ts';

const data = readPageData<{ lang: string; strings: StaffCatalogue }>();
const t: AuditorContext['t'] = (key, params) => translate(data.strings, key, params);

function start(session: StaffSession): void {
  showSessionBar(t, session);
  for (const type of ['keydown', 'pointerdown']) document.addEventListener(type, () => session.userActive(), { passive: true });
  if (!session.member.roles.includes('auditor')) {
    const heading = el('h1', { tabindex: '-1' }, t('audit.title'));
    (document.getElementById('app') as HTMLElement).replaceChildren(
      heading,
      el('p', { class: 'error', id: 'not-auditor' }, t('audit.notAuditor')),
    );
    heading.focus();
    return;
  }
  showSetup({ session, t, lang: data.lang });
}

showLogin(t, '/audit/', start);
document.body.dataset.ready = 'true';
