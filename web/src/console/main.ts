// Entry script of the officer console (/console/): log in with your own key, then the inbox and
// the reports, all decrypted in this page. A bundle of its own, separate from the resident form's.

import type { PublicConfig } from '../../../src/server/public-config.ts';
import type { StaffCatalogue } from '../../i18n/staff/index.ts';
import { translate } from '../../i18n/translate.ts';
import { readPageData } from '../staff/dom.ts';
import { showLogin, showSessionBar } from '../staff/login-view.ts';
import type { StaffSession } from '../staff/session.ts';
import type { ConsoleContext } from './context.ts';
import { showCustodian } from './custodian.ts';
import { showFigures } from './figures.ts';
import { showInbox } from './inbox.ts';
import { showKeyBanner } from './key-banner.ts';
import { showReport } from './report-view.ts';

const data = readPageData<{ lang: string; strings: StaffCatalogue }>();
const t: ConsoleContext['t'] = (key, params) => translate(data.strings, key, params);

async function start(session: StaffSession): Promise<void> {
  showSessionBar(t, session);
  const config = (await session.call((api) => api.config())) as PublicConfig;
  const ctx: ConsoleContext = {
    session,
    t,
    lang: data.lang,
    config,
    list: { page: 1, perPage: 50, category: '', status: '', view: 'open', sort: 'received', q: '' },
  };
  showKeyBanner(ctx, session.member);
  const inbox = (): void => void showInbox(ctx, open);
  const open = (ref: string): void => void showReport(ctx, ref, inbox);
  // Typing and clicking count as activity; the session keeps the server's side alive meanwhile.
  for (const type of ['keydown', 'pointerdown']) document.addEventListener(type, () => session.userActive(), { passive: true });
  // Analysts and auditors see the city's figures only: no report (figures.ts).
  const roles = session.member.roles;
  if (!roles.includes('officer') && !roles.includes('custodian')) return void showFigures(ctx);
  // Custodians start from the witness requests they hold (custodian.ts).
  if (session.member.roles.includes('custodian')) return void showCustodian(ctx, session.member.roles.includes('officer') ? inbox : null);
  inbox();
}

showLogin(t, '/console/', (session) => void start(session));
document.body.dataset.ready = 'true';
