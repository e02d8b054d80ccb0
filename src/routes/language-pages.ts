// POST /nojs/langue?lang=…&page=…: the language choice of the resident pages without JavaScript
// (issue 17: a language choice on every page that keeps what was typed). The page's language
// buttons re-post its form here (web/pages/layout.ts), and the server renders the same page again
// in the chosen language with the fields filled in. On this path the server sees what is typed
// anyway (the pages' notice says so); here it keeps nothing, writes nothing and logs nothing, and
// the answer is `no-store` like every page. A receipt page re-posts its receipt, reference, witness
// number and the list of what was removed from its files, which are checked against their formats
// before they are shown. Files are never re-posted (the buttons send the form url-encoded); the
// resident picks them again. With JavaScript the pages switch language in the page instead, and a
// form without the <noscript> marker is refused here.

import { Hono } from 'hono';
import { normalizeReceipt, formatReceipt } from '../core/receipt-format.ts';
import { REPORT_REF_PATTERN } from '../core/refs.ts';
import { REMOVED_CODES, type RemovedCode } from '../core/strip/types.ts';
import { WITNESS_NUMBER_PATTERN } from '../core/witness-number.ts';
import type { Env, Relais } from '../server/context.ts';
import { FormError, readTextFields } from '../server/form-body.ts';
import { pageKit } from './page-kit.ts';
import { residentViews } from './resident-views.ts';
import type { CleanedFile } from '../../web/pages/home.ts';
import { NOJS_PAGES, type NoJsPage } from '../../web/pages/layout.ts';
import { WITNESS_FIELDS, type WitnessValues } from '../../web/pages/witness.ts';

const FORM_BODY_MAX = 512 * 1024;
const PATHS: Record<NoJsPage, string> = {
  report: '/',
  receipt: '/',
  witness: '/temoigner',
  'witness-receipt': '/temoigner',
  followup: '/suivi',
};
/** Types a cleaned file can have (src/core/strip detectType of what the strippers keep). */
const CLEANED_TYPES = /^(image\/(jpeg|png|webp)|application\/pdf|application\/vnd\.openxmlformats-officedocument\.[a-z.]+)$/;

/** A cleaned file's line on a receipt page, `mime code,code…`; null if it is not one. */
function cleanedFile(line: string): CleanedFile | null {
  const [mime = '', codes = '', ...rest] = line.split(' ');
  if (rest.length > 0 || !CLEANED_TYPES.test(mime)) return null;
  const removed = codes === '' ? [] : codes.split(',');
  if (!removed.every((c) => (REMOVED_CODES as readonly string[]).includes(c))) return null;
  return { mime, removed: removed as RemovedCode[] };
}

export function languagePageRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const kit = pageKit(relais);
  const views = residentViews(relais, kit);
  const { config } = relais.config;
  const maxText = Math.floor(config.limits.maxTextBytes / 4);
  app.post('/nojs/langue', async (c) => {
    const requested = c.req.query('page') ?? '';
    const page = (NOJS_PAGES as readonly string[]).includes(requested) ? (requested as NoJsPage) : null;
    const ctx = kit.context(c, page ? PATHS[page] : '/');
    const back = `${ctx.path}?lang=${ctx.lang}`;
    const refused = () => kit.notice(c, ctx, ctx.t('nojs.langRefused'), 400, back);
    if (!page) return refused();
    // Through the body gate like every body (a free route: no unbounded buffering before a check).
    let body: Record<string, string[]>;
    try {
      body = await readTextFields(c, relais, FORM_BODY_MAX);
    } catch (e) {
      if (e instanceof FormError) return kit.formRefusal(c, ctx, e.problem, back) ?? refused();
      throw e;
    }
    if (body.nojs?.[0] !== '1') return refused();
    const text = (name: string, max = 500) => body[name]?.[0]?.slice(0, max) ?? '';

    if (page === 'report') {
      const category = relais.publicConfig.categories.find((k) => k.kind === 'tip' && k.id === text('category'))?.id ?? '';
      return views.home(c, ctx, { category, what: text('what', maxText), where: text('where'), when: text('when') });
    }
    if (page === 'witness') {
      const values: WitnessValues = {};
      for (const name of WITNESS_FIELDS) values[name] = text(name, name === 'what' ? maxText : 2000);
      return views.witness(c, ctx, values);
    }
    if (page === 'followup') {
      // Only digits and separators are shown again: a receipt being typed, nothing else.
      const typed = text('receipt', 64);
      return views.followUp(c, ctx, /^[0-9 .\-–—_/]*$/.test(typed) ? typed : '');
    }
    const digits = normalizeReceipt(text('receipt', 64));
    const ref = text('ref', 64);
    const number = text('number', 64);
    const files = (body.file ?? []).map(cleanedFile);
    const valid =
      digits !== null &&
      REPORT_REF_PATTERN.test(ref) &&
      files.length <= config.limits.maxAttachments &&
      files.every((f) => f !== null) &&
      (page === 'receipt' || WITNESS_NUMBER_PATTERN.test(number));
    if (!valid) return kit.notice(c, ctx, ctx.t('nojs.langRefused'), 400, back);
    const receipt = formatReceipt(digits);
    return page === 'receipt'
      ? views.reportReceipt(c, ctx, { ref, receipt }, files as CleanedFile[], 200)
      : views.witnessReceipt(c, ctx, { ref, receipt, number }, 200);
  });

  return app;
}
