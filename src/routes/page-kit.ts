// What the server-rendered resident pages share (DESIGN promise 9): the page's language from
// ?lang= (never Accept-Language, which is not even passed to the app), the labels of the text an
// officer reads (in the site's first language), whole pages and notice pages, and the no-JS
// forms' rules — the <noscript> marker, the single-use form token and the server-wide cap.

import type { Context } from 'hono';
import { checkFormToken, issueFormToken, type FormPurpose } from '../core/form-token.ts';
import { BUSY_RETRY_SECONDS } from '../server/body-gate.ts';
import type { Env, Relais } from '../server/context.ts';
import { FormError, type FormProblem, readTextForm } from '../server/form-body.ts';
import type { NoJsLimiter } from '../server/nojs-limiter.ts';
import { pickLanguage, translator } from '../../web/i18n/index.ts';
import { layout, type PageContext, type PageOptions } from '../../web/pages/layout.ts';
import { noticeBody } from '../../web/pages/nojs.ts';

export type PageStatus = 200 | 201 | 400 | 404 | 408 | 409 | 413 | 429 | 503;

/** The largest no-JS form of text fields (the text limit, percent-encoded, with room to spare). */
export const FORM_BODY_MAX = 512 * 1024;

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
   * The page for a body that could not be read; null for one that is not a form (the route
   * says what it expected).
   */
  const formRefusal = (c: Context<Env>, ctx: PageContext, problem: FormProblem, back: string): Response | null => {
    if (problem === 'malformed') return null;
    if (problem === 'too_large' || problem === 'file_too_large') return notice(c, ctx, ctx.t('form.error.tooLong'), 413, back);
    if (problem === 'too_many_files')
      return notice(c, ctx, ctx.t('files.error.countNoJs', { max: config.limits.maxAttachments }), 413, back);
    if (problem === 'timeout') return notice(c, ctx, ctx.t('form.errors.title'), 408, back);
    const busy = notice(c, ctx, ctx.t('nojs.busy'), 503, back);
    busy.headers.set('Retry-After', String(BUSY_RETRY_SECONDS));
    return busy;
  };

  /**
   * Reads a url-encoded or multipart form, strings only, within `max` bytes: a refusal page for a
   * body too large (or the server busy, or a stalled client); null if it is not a form, or if it
   * lacks the <noscript> marker (web/pages/html.ts dualSubmit): such a form came from a browser
   * that runs JavaScript, which must seal in the page, so nothing in it is used.
   */
  const readNoScriptForm = async (
    c: Context<Env>,
    ctx: PageContext,
    back: string,
    max = FORM_BODY_MAX,
  ): Promise<Record<string, string> | Response | null> => {
    try {
      const fields = await readTextForm(c, relais, max);
      return fields.nojs === '1' ? fields : null;
    } catch (e) {
      if (e instanceof FormError) return formRefusal(c, ctx, e.problem, back);
      throw e;
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

  return { officerLang, officerT, reportLabels, categoryLabels, context, page, notice, formToken, formRefusal, readNoScriptForm, admit };
}
