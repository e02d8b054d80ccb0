// What the server-rendered resident pages share (DESIGN promise 9): the page's language from
// ?lang= (never Accept-Language, which is not even passed to the app), the labels of the text an
// officer reads (in the site's first language), whole pages and notice pages, and the no-JS
// forms' rules — the <noscript> marker, the single-use form token and the server-wide cap.

import type { Context } from 'hono';
import { checkFormToken, issueFormToken, type FormPurpose } from '../core/form-token.ts';
import type { Env, Relais } from '../server/context.ts';
import type { NoJsLimiter } from '../server/nojs-limiter.ts';
import { pickLanguage, translator } from '../../web/i18n/index.ts';
import { layout, type PageContext, type PageOptions } from '../../web/pages/layout.ts';
import { noticeBody } from '../../web/pages/nojs.ts';

export type PageStatus = 200 | 201 | 400 | 404 | 409 | 413 | 429;

export function pageKit(relais: Relais) {
  const { config } = relais.config;
  const officerLang = config.site.languages[0] as string;
  const officerT = translator(pickLanguage(officerLang, config.site.languages));
  const reportLabels = {
    category: officerT('report.text.category'),
    what: officerT('report.text.what'),
    where: officerT('report.text.where'),
    when: officerT('report.text.when'),
  };
  const categoryLabels: Record<string, string> = Object.fromEntries(config.categories.map((k) => [k.id, k.labels[officerLang] ?? k.id]));

  const context = (c: Context<Env>, path: string): PageContext => {
    const lang = pickLanguage(c.req.query('lang'), config.site.languages);
    return { lang, t: translator(lang), site: config.site, path, integrity: relais.site.integrity };
  };
  const page = (c: Context<Env>, ctx: PageContext, options: PageOptions, status: PageStatus = 200) => c.html(layout(ctx, options), status);
  const notice = (c: Context<Env>, ctx: PageContext, message: string, status: Exclude<PageStatus, 200 | 201>, back: string) =>
    page(c, ctx, { title: ctx.t('nojs.title'), page: 'notice', body: noticeBody(ctx, ctx.t('nojs.title'), message, back) }, status);
  const formToken = (purpose: FormPurpose) => issueFormToken(relais.secrets.form, purpose, relais.clock());

  /**
   * Reads a url-encoded or multipart form, strings only; null if it is not a form, or if it lacks
   * the <noscript> marker (web/pages/html.ts dualSubmit): such a form came from a browser that runs
   * JavaScript, which must seal in the page, so nothing in it is used.
   */
  const readNoScriptForm = async (c: Context<Env>): Promise<Record<string, string> | null> => {
    try {
      const body = await c.req.parseBody();
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
      return out.nojs === '1' ? out : null;
    } catch {
      return null;
    }
  };

  /** Checks the form token and the server-wide cap; returns a refusal page or the token's nonce. */
  const admit = async (
    c: Context<Env>,
    ctx: PageContext,
    fields: Record<string, string>,
    purpose: FormPurpose,
    back: string,
    limiter: NoJsLimiter,
  ) => {
    const checked = checkFormToken(relais.secrets.form, fields.formToken, purpose, relais.clock());
    if (checked === 'form_token_early') return notice(c, ctx, ctx.t('nojs.wait'), 429, back);
    if (typeof checked === 'string') return notice(c, ctx, ctx.t('nojs.expired'), 400, back);
    if (!(await limiter.take())) return notice(c, ctx, ctx.t('nojs.busy'), 429, back);
    return checked;
  };

  return { officerLang, officerT, reportLabels, categoryLabels, context, page, notice, formToken, readNoScriptForm, admit };
}
