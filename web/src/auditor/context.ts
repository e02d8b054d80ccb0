// What the auditor page's views share (DESIGN promise 7, issue 6 item 4): the session (key and
// token in memory only, web/src/staff/session.ts), the translator and the page's language.

import type { StaffKey } from '../../i18n/staff/index.ts';
import type { StaffSession } from '../staff/session.ts';

export interface AuditorContext {
  session: StaffSession;
  t: (key: StaffKey, params?: Record<string, string | number>) => string;
  lang: string;
}
