// The resident's first page (DESIGN "Flows: Tip", promises 1, 2 and 9): at 320 × 640 the first
// screen says what the page is for, the emergency numbers, the ways to the follow-up and witness
// pages, and starts the form with the category choice; the safety advice follows, folded, before
// the text fields. The same form works without JavaScript (it posts to the server, which seals at
// once — the <noscript> notice says so, and what the server sees and for how long) and with
// JavaScript, where web/src/report-form.ts seals everything in the browser instead. Files attached
// to it are cleaned of their metadata (promise 3): in the browser with JavaScript
// (web/src/attachments.ts), else by the server in memory before sealing; cleanedFilesBody() tells
// the resident what was removed. `values` fill the form again after a no-JS language switch.

import { field, inboxList } from './field.ts';
import { receiptPage, receiptSection, type ReceiptValues } from './receipt.ts';
import type { PublicCategory } from '../../src/server/public-config.ts';
import { removedLabel } from '../../src/core/strip/labels.ts';
import { REMOVED_CODES, type RemovedCode } from '../../src/core/strip/types.ts';
import { dualSubmit, html, type Html } from './html.ts';
import type { PageContext } from './layout.ts';

export interface ReportValues {
  category: string;
  what: string;
  where: string;
  when: string;
}

export interface HomeOptions {
  categories: PublicCategory[];
  formToken: string;
  maxTextBytes: number;
  /** attachment limits of the config (limits.*) */
  limits: { maxAttachmentBytes: number; maxReportBytes: number; maxAttachments: number };
  /** what was typed, shown again after a no-JS language switch */
  values?: ReportValues;
}

export interface CleanedFile {
  mime: string;
  removed: RemovedCode[];
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
  // With JavaScript the native picker is hidden behind a button in the page's language and a line
  // that says how many files were added (web/src/attachments.ts); without, the picker is the record.
  return html`<div class="field" id="files-field">
  <label for="files" id="files-label">${t('files.label')} <span class="optional">(${t('form.optional')})</span></label>
  <p class="hint" id="files-hint">${hint} ${t('files.warning')}</p>
  <noscript><p class="hint">${t('files.nojs')}</p></noscript>
  <p class="error" id="files-error" role="alert" hidden></p>
  <input id="files" name="files" type="file" multiple accept="${ACCEPT}" aria-describedby="files-hint files-error"
    data-max-file="${limits.maxAttachmentBytes}" data-max-total="${limits.maxReportBytes}" data-max-count="${limits.maxAttachments}">
  <button type="button" class="secondary files-button" id="files-button" aria-describedby="files-label files-state files-hint files-error" data-script-only hidden>${t('files.add')}</button>
  <p class="files-state" id="files-state" aria-live="polite" hidden></p>
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
export function cleanedFilesBody(ctx: PageContext, files: CleanedFile[]): Html {
  const { t } = ctx;
  if (files.length === 0) return html``;
  return html`<section class="cleaned-files" aria-labelledby="cleaned-title">
  <h2 id="cleaned-title">${t('files.receipt.title')}</h2>
  <p>${t('files.receipt.intro')}</p>
  <ul>
    ${files.map(
      (f, i) =>
        html`<li>${t('files.receipt.item', { n: i + 1, type: f.mime })} ${
          f.removed.length > 0
            ? byImportance(f.removed)
                .map((c) => removedLabel(c, ctx.lang))
                .join(t('list.separator'))
            : t('files.nothingFound')
        }</li>`,
    )}
  </ul>
</section>`;
}

/** The receipt page of the no-JS path, with what was removed from each file. */
export function reportReceiptBody(ctx: PageContext, values: ReceiptValues, files: CleanedFile[]): Html {
  const { t } = ctx;
  return html`${receiptPage(ctx, {
    title: t('receipt.title'),
    witness: false,
    values,
    head: html`<p>${t('receipt.thanks')}</p>
  <p class="nojs">${t('receipt.nojs')}</p>`,
    hidden: { ref: values.ref, receipt: values.receipt, file: files.map((f) => `${f.mime} ${f.removed.join(',')}`) },
  })}${cleanedFilesBody(ctx, files)}`;
}

/** The way to the follow-up and (if the site takes them) witness pages, at the top of the form's page. */
function paths(ctx: PageContext, witness: boolean): Html {
  const { t } = ctx;
  return html`<nav class="paths" aria-label="${t('nav.paths')}">
  <a class="path" href="/suivi?lang=${ctx.lang}">${t('nav.followup')}</a>
  ${witness ? html`<a class="path witness-link" href="/temoigner?lang=${ctx.lang}">${t('witness.title')}</a>` : ''}
</nav>`;
}

export function homeBody(ctx: PageContext, options: HomeOptions): Html {
  const { t } = ctx;
  const tips = options.categories.filter((c) => c.kind === 'tip');
  const v = options.values;
  // The error summary comes first, so that when it takes the focus nothing above it is under the header.
  return html`<div id="form-errors" class="error-summary" role="alert" tabindex="-1" hidden></div>
<h1>${t('home.title')}</h1>
<p class="lead">${t('home.intro')}</p>
<p class="emergency"><strong>${t('home.emergency')}</strong></p>
${paths(
  ctx,
  options.categories.some((c) => c.kind === 'witness'),
)}
<form id="report-form" class="report" action="/nojs/report?lang=${ctx.lang}" method="post" enctype="multipart/form-data" autocomplete="off" aria-labelledby="form-title">
  <h2 id="form-title" class="visually-hidden">${t('form.title')}</h2>
  <fieldset id="category-field" aria-describedby="category-error">
    <legend>${t('form.category.legend')}</legend>
    <p class="error" id="category-error" hidden></p>
    ${tips.map(
      (
        c,
      ) => html`<label class="choice"><input type="radio" name="category" value="${c.id}" required${c.available ? '' : html` disabled`}${c.available && v?.category === c.id ? html` checked` : ''}>
      <span class="choice-text"><span class="choice-label">${c.labels[ctx.lang] ?? c.id}</span>
      <span class="choice-hint">${c.available ? t('form.category.readBy', { inboxes: inboxList(ctx, c.readBy) }) : t('form.category.unavailable')}</span></span></label>`,
    )}
  </fieldset>
  <p class="sealed-here" id="sealed-here" hidden></p>
  <noscript><p class="nojs" id="nojs-notice">${t('form.nojs')}</p></noscript>
  <details class="safety">
    <summary>${t('home.safety.title')}</summary>
    <ul>
      <li>${t('home.safety.name')}</li>
      <li>${t('home.safety.device')}</li>
    </ul>
  </details>
  ${field('what', t('form.what.label'), t('form.what.hint'), null, html`<textarea id="what" name="what" rows="6" required maxlength="${Math.floor(options.maxTextBytes / 4)}" aria-describedby="what-hint what-error" autocomplete="off" spellcheck="false">${v?.what ?? ''}</textarea>`)}
  ${field('where', t('form.where.label'), t('form.where.hint'), t('form.optional'), html`<input id="where" name="where" type="text" maxlength="500" aria-describedby="where-hint where-error" autocomplete="off" spellcheck="false" value="${v?.where ?? ''}">`)}
  ${field('when', t('form.when.label'), t('form.when.hint'), t('form.optional'), html`<input id="when" name="when" type="text" maxlength="500" aria-describedby="when-hint when-error" autocomplete="off" spellcheck="false" value="${v?.when ?? ''}">`)}
  <input type="hidden" name="formToken" value="${options.formToken}">
  ${filesField(ctx, options.limits)}
  ${dualSubmit(t('form.submit'), 'send')}
  <div id="progress" class="progress" role="status" aria-live="polite" hidden>
    <progress id="progress-bar" max="100" value="0" aria-label="${t('progress.title')}"></progress>
    <p id="progress-text"></p>
  </div>
</form>

${receiptSection(ctx, t('receipt.title'), false, html`<p>${t('receipt.thanks')}</p>`)}`;
}
