// The resident's first page: what Relais does, safety advice, and the report form (DESIGN
// "Flows: Tip", promises 1, 2 and 9). The same form works without JavaScript (it posts to the
// server, which seals at once — the <noscript> notice says so plainly) and with JavaScript,
// where web/src/report-form.ts seals everything in the browser instead. Files attached to it
// are cleaned of their metadata (promise 3): in the browser with JavaScript (web/src/attachments.ts),
// else by the server in memory before sealing; cleanedFilesBody() tells the resident what was removed.

import { field } from './field.ts';
import { receiptSection } from './receipt.ts';
import type { PublicCategory } from '../../src/server/public-config.ts';
import { removedLabel } from '../../src/core/strip/labels.ts';
import { REMOVED_CODES, type RemovedCode } from '../../src/core/strip/types.ts';
import { dualSubmit, html, type Html } from './html.ts';
import type { PageContext } from './layout.ts';

export interface HomeOptions {
  categories: PublicCategory[];
  formToken: string;
  maxTextBytes: number;
  /** labels for the text an officer reads, in the site's first language */
  reportLabels: Record<string, string>;
  /** attachment limits of the config (limits.*) */
  limits: { maxAttachmentBytes: number; maxReportBytes: number; maxAttachments: number };
}

const MB = 1024 * 1024;
/** What the file picker offers first; only a hint: every file is checked by its bytes. */
const ACCEPT = 'image/*,.heic,.heif,application/pdf,.pdf,.docx,.xlsx,.pptx';

function filesField(ctx: PageContext, limits: HomeOptions['limits']): Html {
  const { t } = ctx;
  if (limits.maxAttachments === 0) return html``;
  const hint = t('files.hint', {
    count: limits.maxAttachments,
    file: Math.floor(limits.maxAttachmentBytes / MB),
    total: Math.floor(limits.maxReportBytes / MB),
  });
  return html`<div class="field" id="files-field">
  <label for="files">${t('files.label')} <span class="optional">(${t('form.optional')})</span></label>
  <p class="hint" id="files-hint">${hint} ${t('files.warning')}</p>
  <noscript><p class="hint">${t('files.nojs')}</p></noscript>
  <p class="error" id="files-error" role="alert" hidden></p>
  <input id="files" name="files" type="file" multiple accept="${ACCEPT}" aria-describedby="files-hint files-error"
    data-max-file="${limits.maxAttachmentBytes}" data-max-total="${limits.maxReportBytes}" data-max-count="${limits.maxAttachments}">
  <ul id="files-list" class="files" aria-label="${t('files.listLabel')}" hidden></ul>
</div>`;
}

/** What was removed, most telling first (GPS position, camera, serial number, date…). */
export function byImportance(codes: RemovedCode[]): RemovedCode[] {
  return [...codes].sort((a, b) => REMOVED_CODES.indexOf(a) - REMOVED_CODES.indexOf(b));
}

/**
 * No-JS receipt page: what the server removed from each attached file before sealing it. Files are
 * named by their position, never by the name the resident's device gave them.
 */
export function cleanedFilesBody(ctx: PageContext, files: { mime: string; removed: RemovedCode[] }[]): Html {
  const { t } = ctx;
  if (files.length === 0) return html``;
  const lang = ctx.lang === 'fr' ? 'fr' : 'en';
  return html`<section class="cleaned-files" aria-labelledby="cleaned-title">
  <h2 id="cleaned-title">${t('files.receipt.title')}</h2>
  <p>${t('files.receipt.intro')}</p>
  <ul>
    ${files.map(
      (f, i) =>
        html`<li>${t('files.receipt.item', { n: i + 1, type: f.mime })} ${
          f.removed.length > 0
            ? byImportance(f.removed)
                .map((c) => removedLabel(c, lang))
                .join(', ')
            : t('files.nothingFound')
        }</li>`,
    )}
  </ul>
</section>`;
}

export function homeBody(ctx: PageContext, options: HomeOptions): Html {
  const { t } = ctx;
  const tips = options.categories.filter((c) => c.kind === 'tip');
  return html`<h1>${t('home.title')}</h1>
<p class="lead">${t('home.intro')}</p>
<section class="notice" aria-labelledby="safety-title">
  <h2 id="safety-title">${t('home.safety.title')}</h2>
  <ul>
    <li>${t('home.safety.name')}</li>
    <li>${t('home.safety.device')}</li>
    <li>${t('home.safety.emergency')}</li>
  </ul>
</section>
<p class="switch"><a href="/suivi?lang=${ctx.lang}">${t('nav.followup')}</a></p>
${options.categories.some((c) => c.kind === 'witness') ? html`<p class="switch witness-link"><a href="/temoigner?lang=${ctx.lang}">${t('witness.link')}</a> <span class="hint">${t('witness.link.hint')}</span></p>` : ''}

<form id="report-form" class="report" action="/nojs/report?lang=${ctx.lang}" method="post" enctype="multipart/form-data" autocomplete="off">
  <h2>${t('form.title')}</h2>
  <noscript><p class="nojs" id="nojs-notice">${t('form.nojs')}</p></noscript>
  <p class="sealed-here" id="sealed-here" hidden>${t('form.sealedHere')}</p>
  <div id="form-errors" class="error-summary" role="alert" tabindex="-1" hidden></div>
  <fieldset id="category-field" aria-describedby="category-error">
    <legend>${t('form.category.legend')}</legend>
    <p class="error" id="category-error" hidden></p>
    ${tips.map(
      (c) => html`<label class="choice"><input type="radio" name="category" value="${c.id}" required${c.available ? '' : html` disabled`}>
      <span class="choice-text"><span class="choice-label">${c.labels[ctx.lang] ?? c.id}</span>
      <span class="choice-hint">${c.available ? t('form.category.readBy', { inboxes: c.readBy.join(', ') }) : t('form.category.unavailable')}</span></span></label>`,
    )}
  </fieldset>
  ${field('what', t('form.what.label'), t('form.what.hint'), null, html`<textarea id="what" name="what" rows="6" required maxlength="${Math.floor(options.maxTextBytes / 4)}" aria-describedby="what-hint what-error" autocomplete="off" spellcheck="false"></textarea>`)}
  ${field('where', t('form.where.label'), t('form.where.hint'), t('form.optional'), html`<input id="where" name="where" type="text" maxlength="500" aria-describedby="where-hint where-error" autocomplete="off" spellcheck="false">`)}
  ${field('when', t('form.when.label'), t('form.when.hint'), t('form.optional'), html`<input id="when" name="when" type="text" maxlength="500" aria-describedby="when-hint when-error" autocomplete="off" spellcheck="false">`)}
  ${filesField(ctx, options.limits)}
  <input type="hidden" name="formToken" value="${options.formToken}">
  ${dualSubmit(t('form.submit'), 'send')}
  <div id="progress" class="progress" role="status" aria-live="polite" hidden>
    <progress id="progress-bar" max="100" value="0"></progress>
    <p id="progress-text"></p>
  </div>
</form>

${receiptSection(ctx, t('receipt.title'), html`<p>${t('receipt.thanks')}</p>`)}`;
}
