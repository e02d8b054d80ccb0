// The resident pages as whole answers (DESIGN promise 9), shared by the routes that show them
// first (GET /, /suivi, /temoigner, the no-JS receipts) and by /nojs/langue, which shows them
// again in another language with what was typed (issue 17). Each page says which form its no-JS
// language buttons re-post; a receipt page is `guarded` (no way away but its confirmation and the
// quick exit).

import type { Context } from 'hono';
import type { Env, Relais } from '../server/context.ts';
import type { pageKit } from './page-kit.ts';
import { followUpBody } from '../../web/pages/followup.ts';
import { homeBody, reportReceiptBody, type CleanedFile, type ReportValues } from '../../web/pages/home.ts';
import type { PageContext } from '../../web/pages/layout.ts';
import { noticeBody } from '../../web/pages/nojs.ts';
import type { ReceiptValues } from '../../web/pages/receipt.ts';
import { WISHES, witnessBody, witnessReceiptBody, type WitnessValues } from '../../web/pages/witness.ts';

export function residentViews(relais: Relais, kit: ReturnType<typeof pageKit>) {
  const { config } = relais.config;
  const { page, formToken, reportLabels, categoryLabels, officerT } = kit;
  // Read per request: a category can become unavailable while the server runs (expired keys).
  const witnessCategories = () => relais.publicConfig.categories.filter((c) => c.kind === 'witness');
  const identityLabels = {
    name: officerT('witness.text.name'),
    contact: officerT('witness.text.contact'),
    when: officerT('witness.text.when'),
    avoid: officerT('witness.text.avoid'),
    status: officerT('witness.text.wish'),
  };

  const home = (c: Context<Env>, ctx: PageContext, values?: ReportValues) =>
    page(c, ctx, {
      title: ctx.t('home.title'),
      page: 'report',
      body: homeBody(ctx, {
        categories: relais.publicConfig.categories,
        formToken: formToken('report'),
        maxTextBytes: config.limits.maxTextBytes,
        limits: config.limits,
        ...(values ? { values } : {}),
      }),
      data: { reportLabels, categoryLabels },
      relang: { form: 'report-form', page: 'report' },
    });

  const followUp = (c: Context<Env>, ctx: PageContext, receipt?: string) =>
    page(c, ctx, {
      title: ctx.t('followup.title'),
      page: 'followup',
      body: followUpBody(ctx, formToken('lookup'), receipt),
      relang: { form: 'followup-form', page: 'followup' },
    });

  const witness = (c: Context<Env>, ctx: PageContext, values?: WitnessValues) => {
    const all = witnessCategories();
    const categories = all.filter((k) => k.available);
    if (all.length > 0 && categories.length === 0) {
      const title = ctx.t('witness.title');
      return page(c, ctx, {
        title,
        page: 'notice',
        body: noticeBody(ctx, title, ctx.t('witness.error.temporarilyUnavailable'), `/?lang=${ctx.lang}`),
      });
    }
    return page(
      c,
      ctx,
      {
        title: ctx.t('witness.title'),
        page: 'witness',
        body: witnessBody(ctx, {
          categories,
          formToken: formToken('report'),
          maxTextBytes: config.limits.maxTextBytes,
          ...(values ? { values } : {}),
        }),
        data: {
          reportLabels,
          identityLabels,
          wishLabels: Object.fromEntries(WISHES.map((w) => [w, officerT(`witness.wish.${w}`)])),
          categoryLabels,
        },
        ...(categories.length > 0 ? { relang: { form: 'witness-form', page: 'witness' as const } } : {}),
      },
      categories.length > 0 ? 200 : 404,
    );
  };

  const reportReceipt = (c: Context<Env>, ctx: PageContext, values: ReceiptValues, files: CleanedFile[], status: 200 | 201) =>
    page(
      c,
      ctx,
      {
        title: ctx.t('receipt.title'),
        page: 'receipt',
        body: reportReceiptBody(ctx, values, files),
        relang: { form: 'receipt-lang', page: 'receipt' },
        guarded: true,
      },
      status,
    );

  const witnessReceipt = (c: Context<Env>, ctx: PageContext, values: ReceiptValues & { number: string }, status: 200 | 201) =>
    page(
      c,
      ctx,
      {
        title: ctx.t('witness.receipt.title'),
        page: 'receipt',
        body: witnessReceiptBody(ctx, values),
        relang: { form: 'receipt-lang', page: 'witness-receipt' },
        guarded: true,
      },
      status,
    );

  return { home, followUp, witness, reportReceipt, witnessReceipt, witnessCategories, identityLabels };
}
