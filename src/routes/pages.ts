// The resident pages (DESIGN promise 9), rendered on the server so that they work without
// JavaScript, in the language asked for in the URL (?lang=en; never from Accept-Language, which
// is not even passed to the app), and the no-JavaScript form handlers. Those handlers answer with
// pages, not JSON; their refusals are pages with a 4xx status and no echo of the input.

import { Hono, type Context } from 'hono';
import type { FormPurpose } from '../core/form-token.ts';
import { checkFollowUpToken } from '../core/followup-token.ts';
import { normalizeReceipt } from '../core/receipt-format.ts';
import { composeReportText } from '../core/report-text.ts';
import { ConstraintError } from '../store/driver.ts';
import type { Env, Relais } from '../server/context.ts';
import { tooLargeError } from '../core/strip/index.ts';
import { FormError, readFilesForm } from '../server/form-body.ts';
import { NoJsLimiter } from '../server/nojs-limiter.ts';
import { FORM_BODY_MAX, pageKit } from './page-kit.ts';
import { residentViews } from './resident-views.ts';
import { addMessageOnServer, cleanFilesOnServer, fileReportOnServer, openOnServer, spendFormToken } from '../server/nojs.ts';
import type { PageContext } from '../../web/pages/layout.ts';
import { conversationBody, noticeBody } from '../../web/pages/nojs.ts';

/** No-JS requests the whole server accepts per minute (see nojs-limiter.ts). */
const NOJS_PER_MINUTE = 30;
/** The follow-up form holds a receipt and a token. */
const LOOKUP_BODY_MAX = 4 * 1024;

export function pageRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const { config } = relais.config;
  const limiter = new NoJsLimiter(relais.counters, 'nojs', NOJS_PER_MINUTE);
  const kit = pageKit(relais);
  const { officerLang, reportLabels, context, page, notice, formToken: token, formRefusal } = kit;
  const readForm = kit.readNoScriptForm;
  const views = residentViews(relais, kit);
  const admit = (c: Context<Env>, ctx: PageContext, fields: Record<string, string>, purpose: FormPurpose, back: string) =>
    kit.admit(c, ctx, fields, purpose, back, limiter);

  app.get('/', (c) => views.home(c, context(c, '/')));
  app.get('/suivi', (c) => views.followUp(c, context(c, '/suivi')));

  // A report form with files is multipart and may be as large as the report limit allows. Its
  // text fields come first and are checked, with the form token and the cap, before any byte of a
  // file is read (src/server/form-body.ts); the files are read into memory only, cleaned there,
  // sealed, then overwritten (src/server/nojs.ts).
  const { limits } = config;
  const MB = 1024 * 1024;
  const tooLargeNotice = (c: Context<Env>) => {
    const ctx = context(c, '/');
    return notice(
      c,
      ctx,
      ctx.t('files.error.totalNoJs', { max: Math.floor(limits.maxReportBytes / MB), file: Math.floor(limits.maxAttachmentBytes / MB) }),
      413,
      `/?lang=${ctx.lang}`,
    );
  };
  const filesBodyMax = limits.maxReportBytes + limits.maxTextBytes * 2 + 64 * 1024 * (limits.maxAttachments + 2);

  app.post('/nojs/report', async (c) => {
    const ctx = context(c, '/');
    const back = `/?lang=${ctx.lang}`;
    let text = '';
    let categoryId = '';
    /** The text fields' checks, then the form token and the cap: before any file is read. */
    const check = async (fields: Record<string, string>) => {
      const category = config.categories.find((k) => k.id === fields.category && k.kind === 'tip');
      const what = (fields.what ?? '').trim();
      if (!category) return notice(c, ctx, ctx.t('form.error.category'), 400, back);
      if (!relais.publicConfig.categories.find((k) => k.id === category.id)?.available)
        return notice(c, ctx, ctx.t('form.error.unavailable'), 409, back);
      if (!what) return notice(c, ctx, ctx.t('form.error.what'), 400, back);
      categoryId = category.id;
      text = composeReportText(reportLabels, {
        category: category.labels[officerLang] ?? category.id,
        what,
        where: fields.where ?? '',
        when: fields.when ?? '',
      });
      if (new TextEncoder().encode(text).length > config.limits.maxTextBytes) return notice(c, ctx, ctx.t('form.error.tooLong'), 413, back);
      return admit(c, ctx, fields, 'report', back);
    };
    let read: { admitted: Awaited<ReturnType<typeof check>>; fields: Record<string, string>; files: Uint8Array[] };
    if ((c.req.header('Content-Type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
      try {
        read = await readFilesForm(c, relais, {
          maxFields: FORM_BODY_MAX,
          maxFile: limits.maxAttachmentBytes,
          maxFiles: limits.maxAttachments,
          maxBody: filesBodyMax,
          admit: check,
        });
      } catch (e) {
        if (!(e instanceof FormError)) throw e;
        if (e.problem === 'too_large') return tooLargeNotice(c);
        if (e.problem === 'file_too_large') {
          const error = tooLargeError(limits.maxAttachmentBytes);
          return notice(
            c,
            ctx,
            ctx.t('files.error.numbered', { n: e.file + 1, message: ctx.t(`strip.${error.reason}`, error.params) }),
            413,
            back,
          );
        }
        return formRefusal(c, ctx, e.problem, back) ?? notice(c, ctx, ctx.t('form.errors.title'), 400, back);
      }
    } else {
      const fields = await readForm(c, ctx, back);
      if (fields instanceof Response) return fields;
      if (!fields) return notice(c, ctx, ctx.t('form.errors.title'), 400, back);
      read = { admitted: await check(fields), fields, files: [] };
    }
    const { admitted, fields, files } = read;
    if (admitted instanceof Response) return admitted;
    if (fields.nojs !== '1') {
      for (const f of files) f.fill(0);
      return notice(c, ctx, ctx.t('form.errors.title'), 400, back);
    }
    const cleaned = await cleanFilesOnServer(files, limits);
    if ('total' in cleaned) return tooLargeNotice(c);
    if ('refused' in cleaned) {
      const { index, error, mime } = cleaned.refused;
      const message =
        error.code === 'needs_reencode'
          ? ctx.t('files.error.reencodeNoJs', { n: index + 1, format: mime ?? '?' })
          : ctx.t('files.error.numbered', { n: index + 1, message: ctx.t(`strip.${error.reason}`, error.params) });
      return notice(c, ctx, message, error.code === 'too_large' ? 413 : 400, back);
    }
    const filed = await fileReportOnServer(relais, { category: categoryId, text, attachments: cleaned.files }, admitted);
    if ('error' in filed) return notice(c, ctx, ctx.t('nojs.expired'), 409, back);
    return views.reportReceipt(c, ctx, filed, cleaned.files, 201);
  });

  app.post('/nojs/suivi', async (c) => {
    const ctx = context(c, '/suivi');
    const back = `/suivi?lang=${ctx.lang}`;
    const fields = await readForm(c, ctx, back, LOOKUP_BODY_MAX);
    if (fields instanceof Response) return fields;
    const receipt = fields ? normalizeReceipt(fields.receipt ?? '') : null;
    if (!fields || !receipt) return notice(c, ctx, ctx.t('followup.error.format'), 400, back);
    const admitted = await admit(c, ctx, fields, 'lookup', back);
    if (admitted instanceof Response) return admitted;
    if (!(await spendFormToken(relais, admitted))) return notice(c, ctx, ctx.t('nojs.expired'), 409, back);
    const conversation = await openOnServer(relais, receipt);
    if (!conversation) return notice(c, ctx, ctx.t('followup.error.unknown'), 404, back);
    return page(c, ctx, {
      title: ctx.t('followup.conversation'),
      page: 'conversation',
      body: conversationBody(ctx, { ...conversation, formToken: token('message') }),
      langNote: ctx.t('followup.langCloses'),
    });
  });

  app.post('/nojs/suivi/message', async (c) => {
    const ctx = context(c, '/suivi');
    const back = `/suivi?lang=${ctx.lang}`;
    const fields = await readForm(c, ctx, back);
    if (fields instanceof Response) return fields;
    const ref = fields ? checkFollowUpToken(relais.secrets.followUp, fields.followUpToken ?? '', relais.clock()) : null;
    if (!fields || !ref) return notice(c, ctx, ctx.t('followup.expired'), 400, back);
    const text = (fields.text ?? '').trim();
    if (!text) return notice(c, ctx, ctx.t('form.error.what'), 400, back);
    if (new TextEncoder().encode(text).length > config.limits.maxTextBytes) return notice(c, ctx, ctx.t('form.error.tooLong'), 413, back);
    const admitted = await admit(c, ctx, fields, 'message', back);
    if (admitted instanceof Response) return admitted;
    const sent = await addMessageOnServer(relais, ref, text, admitted).catch((e: unknown) => {
      if (e instanceof ConstraintError) return false; // the form token was already used
      throw e;
    });
    if (sent === 'unavailable') return notice(c, ctx, ctx.t('followup.error.unavailable'), 409, back);
    if (!sent) return notice(c, ctx, ctx.t('nojs.expired'), 409, back);
    return page(
      c,
      ctx,
      { title: ctx.t('followup.sent'), page: 'notice', body: noticeBody(ctx, ctx.t('followup.sent'), ctx.t('followup.sent'), back) },
      201,
    );
  });

  return app;
}
