// The resident's "testify under protection" page and its no-JavaScript handler (DESIGN promises 6
// and 9; issue 7). GET /temoigner renders web/pages/witness.ts in the language of ?lang=; without
// JavaScript the form posts to /nojs/temoigner, where the server composes the two texts, seals
// the testimony and the identity apart (src/server/witness-nojs.ts) and answers with the receipt
// page. Refusals are pages with a 4xx status and no echo of the input. No-JS witness requests
// have their own small cap per minute, for everyone together (no address is read).

import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { checkFormToken, issueFormToken } from '../core/form-token.ts';
import { composeReportText } from '../core/report-text.ts';
import { composeIdentityText } from '../core/witness-text.ts';
import type { Env, Relais } from '../server/context.ts';
import { NoJsLimiter } from '../server/nojs-limiter.ts';
import { fileWitnessOnServer } from '../server/witness-nojs.ts';
import { pickLanguage, translator } from '../../web/i18n/index.ts';
import { layout, type PageContext } from '../../web/pages/layout.ts';
import { noticeBody } from '../../web/pages/nojs.ts';
import { WISHES, witnessBody, witnessReceiptBody, type Wish } from '../../web/pages/witness.ts';

const NOJS_WITNESS_PER_MINUTE = 10;
const FORM_BODY_MAX = 512 * 1024;

export function witnessPageRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const { config } = relais.config;
  const limiter = new NoJsLimiter(NOJS_WITNESS_PER_MINUTE, relais.clock);
  const officerLang = config.site.languages[0] as string;
  const officerT = translator(pickLanguage(officerLang, config.site.languages));
  const categories = relais.publicConfig.categories.filter((c) => c.kind === 'witness');
  const reportLabels = { category: officerT('report.text.category'), what: officerT('report.text.what'), where: officerT('report.text.where'), when: officerT('report.text.when') };
  const identityLabels = { name: officerT('witness.text.name'), contact: officerT('witness.text.contact'), when: officerT('witness.text.when'), avoid: officerT('witness.text.avoid'), status: officerT('witness.text.wish') };

  const context = (c: Context<Env>): PageContext => {
    const lang = pickLanguage(c.req.query('lang'), config.site.languages);
    return { lang, t: translator(lang), site: config.site, path: '/temoigner' };
  };
  const notice = (c: Context<Env>, ctx: PageContext, message: string, status: 400 | 404 | 409 | 413 | 429) =>
    c.html(layout(ctx, { title: ctx.t('nojs.title'), page: 'notice', body: noticeBody(ctx, ctx.t('nojs.title'), message, `/temoigner?lang=${ctx.lang}`) }), status);

  app.get('/temoigner', (c) => {
    const ctx = context(c);
    const body = witnessBody(ctx, { categories, formToken: issueFormToken(relais.secrets.form, 'report', relais.clock()), maxTextBytes: config.limits.maxTextBytes });
    const data = {
      reportLabels,
      identityLabels,
      wishLabels: Object.fromEntries(WISHES.map((w) => [w, officerT(`witness.wish.${w}`)])),
      categoryLabels: Object.fromEntries(config.categories.map((k) => [k.id, k.labels[officerLang] ?? k.id])),
    };
    return c.html(layout(ctx, { title: ctx.t('witness.title'), page: 'witness', body, data }), categories.length > 0 ? 200 : 404);
  });

  const formBody = bodyLimit({ maxSize: FORM_BODY_MAX, onError: (c) => notice(c, context(c), officerT('form.error.tooLong'), 413) });

  app.post('/nojs/temoigner', formBody, async (c) => {
    const ctx = context(c);
    let fields: Record<string, string> = {};
    try {
      for (const [k, v] of Object.entries(await c.req.parseBody())) if (typeof v === 'string') fields[k] = v;
    } catch {
      fields = {};
    }
    // The <noscript> marker: a form without it came from a browser that must seal in the page.
    if (fields.nojs !== '1') return notice(c, ctx, ctx.t('form.errors.title'), 400);
    const category = categories.find((k) => k.id === fields.category);
    if (!category) return notice(c, ctx, ctx.t('witness.error.unavailable'), 400);
    const what = (fields.what ?? '').trim();
    const name = (fields.name ?? '').trim();
    const contact = (fields.contact ?? '').trim();
    if (!what) return notice(c, ctx, ctx.t('witness.error.what'), 400);
    if (!name) return notice(c, ctx, ctx.t('witness.error.name'), 400);
    if (!contact) return notice(c, ctx, ctx.t('witness.error.contact'), 400);
    const wish = WISHES.includes(fields.wish as Wish) ? officerT(`witness.wish.${fields.wish as Wish}`) : '';
    const testimony = composeReportText(reportLabels, { category: category.labels[officerLang] ?? category.id, what, where: fields.where ?? '', when: fields.when ?? '' });
    const identity = composeIdentityText(identityLabels, { name, contact, when: fields.safeWhen ?? '', avoid: fields.avoid ?? '', status: wish });
    const bytes = (s: string) => new TextEncoder().encode(s).length;
    if (bytes(testimony) > config.limits.maxTextBytes || bytes(identity) > config.limits.maxTextBytes) return notice(c, ctx, ctx.t('form.error.tooLong'), 413);
    const checked = checkFormToken(relais.secrets.form, fields.formToken, 'report', relais.clock());
    if (checked === 'form_token_early') return notice(c, ctx, ctx.t('nojs.wait'), 429);
    if (typeof checked === 'string') return notice(c, ctx, ctx.t('nojs.expired'), 400);
    if (!limiter.take()) return notice(c, ctx, ctx.t('nojs.busy'), 429);
    const filed = await fileWitnessOnServer(relais, { category: category.id, testimony, identity }, checked);
    if ('error' in filed) return notice(c, ctx, ctx.t('nojs.expired'), 409);
    return c.html(layout(ctx, { title: ctx.t('witness.receipt.title'), page: 'receipt', body: witnessReceiptBody(ctx, filed) }), 201);
  });

  return app;
}
