// The resident's "testify under protection" page and its no-JavaScript handler (DESIGN promises 6
// and 9; issue 7). GET /temoigner renders web/pages/witness.ts in the language of ?lang=; without
// JavaScript the form posts to /nojs/temoigner, where the server composes the two texts, seals
// the testimony and the identity apart (src/server/witness-nojs.ts) and answers with the receipt
// page. Refusals are pages with a 4xx status and no echo of the input. No-JS witness requests
// have their own small cap per minute, for everyone together (no address is read).

import { Hono, type Context } from 'hono';
import { composeReportText } from '../core/report-text.ts';
import { composeIdentityText } from '../core/witness-text.ts';
import type { Env, Relais } from '../server/context.ts';
import { NoJsLimiter } from '../server/nojs-limiter.ts';
import { fileWitnessOnServer } from '../server/witness-nojs.ts';
import { pageKit } from './page-kit.ts';
import { residentViews } from './resident-views.ts';
import type { PageContext } from '../../web/pages/layout.ts';
import { WISHES, type Wish } from '../../web/pages/witness.ts';

const NOJS_WITNESS_PER_MINUTE = 10;

export function witnessPageRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const { config } = relais.config;
  const limiter = new NoJsLimiter(relais.counters, 'nojs-witness', NOJS_WITNESS_PER_MINUTE);
  const kit = pageKit(relais);
  const { officerLang, officerT, reportLabels, readNoScriptForm, admit } = kit;
  const views = residentViews(relais, kit);
  const { identityLabels, witnessCategories } = views;

  const context = (c: Context<Env>): PageContext => kit.context(c, '/temoigner');
  const notice = (c: Context<Env>, ctx: PageContext, message: string, status: 400 | 404 | 409 | 413 | 429) =>
    kit.notice(c, ctx, message, status, `/temoigner?lang=${ctx.lang}`);

  app.get('/temoigner', (c) => views.witness(c, context(c)));

  app.post('/nojs/temoigner', async (c) => {
    const ctx = context(c);
    const fields = await readNoScriptForm(c, ctx, `/temoigner?lang=${ctx.lang}`);
    if (fields instanceof Response) return fields;
    if (!fields) return notice(c, ctx, ctx.t('form.errors.title'), 400);
    const category = witnessCategories().find((k) => k.id === fields.category);
    if (!category) return notice(c, ctx, ctx.t('witness.error.unavailable'), 400);
    if (!category.available) return notice(c, ctx, ctx.t('witness.error.temporarilyUnavailable'), 409);
    const what = (fields.what ?? '').trim();
    const name = (fields.name ?? '').trim();
    const contact = (fields.contact ?? '').trim();
    if (!what) return notice(c, ctx, ctx.t('witness.error.what'), 400);
    if (!name) return notice(c, ctx, ctx.t('witness.error.name'), 400);
    if (!contact) return notice(c, ctx, ctx.t('witness.error.contact'), 400);
    const wish = WISHES.includes(fields.wish as Wish) ? officerT(`witness.wish.${fields.wish as Wish}`) : '';
    const testimony = composeReportText(reportLabels, {
      category: category.labels[officerLang] ?? category.id,
      what,
      where: fields.where ?? '',
      when: fields.when ?? '',
    });
    const identity = composeIdentityText(identityLabels, {
      name,
      contact,
      when: fields.safeWhen ?? '',
      avoid: fields.avoid ?? '',
      status: wish,
    });
    const bytes = (s: string) => new TextEncoder().encode(s).length;
    if (bytes(testimony) > config.limits.maxTextBytes || bytes(identity) > config.limits.maxTextBytes)
      return notice(c, ctx, ctx.t('form.error.tooLong'), 413);
    const checked = await admit(c, ctx, fields, 'report', `/temoigner?lang=${ctx.lang}`, limiter);
    if (checked instanceof Response) return checked;
    const filed = await fileWitnessOnServer(relais, { category: category.id, testimony, identity }, checked);
    if ('error' in filed) return notice(c, ctx, ctx.t('nojs.expired'), 409);
    return views.witnessReceipt(c, ctx, filed, 201);
  });

  return app;
}
