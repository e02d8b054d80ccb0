// Entry script of the resident pages: quick exit everywhere, the language switch in the page,
// then the page's own behaviour. It loads no cryptography itself; the crypto worker starts when
// the resident begins to write.

import { initFollowUp } from './followup-page.ts';
import { initLanguageSwitch } from './language-switch.ts';
import { readPageData } from './page-data.ts';
import { initQuickExit } from './quick-exit.ts';
import { initReportForm } from './report-form.ts';

const data = readPageData();
initQuickExit();
initLanguageSwitch(data);
const page = document.body.dataset.page;
if (page === 'report') initReportForm(data);
if (page === 'followup') initFollowUp(data);
// The witness form is a chunk of its own, loaded only on its page, before the buttons are enabled.
if (page === 'witness') (await import('./witness-form.ts')).initWitnessForm(data);
// What works only with this script (the language links, the files button) shows now.
for (const el of document.querySelectorAll<HTMLElement>('[data-script-only]')) el.hidden = false;
// The forms can be sent only now that this script handles them (see dualSubmit in web/pages).
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-needs-script]')) {
  button.disabled = false;
  button.hidden = false;
}
document.body.dataset.ready = 'true';
