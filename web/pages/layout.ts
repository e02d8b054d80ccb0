// The page shell shared by every resident page (DESIGN promise 9): language and direction from
// the catalogue, one stylesheet and one script from this origin, a skip link, a sticky header that
// holds only the site's name and the quick-exit link (which works with or without JavaScript, see
// src/routes/exit.ts), and the language choice under it. The choice keeps what was typed: with
// JavaScript the page script switches the language in the page (web/src/language-switch.ts), so
// nothing typed is sent; without, its buttons re-post the page's form to /nojs/langue, which the
// server renders again in the other language (the server already sees the text on that path, and
// the notice says so). A receipt page (`guarded`) has no way away but its own confirmation and the
// quick exit: no site link, and languages only through its form.

import { EXIT_PATH } from '../../src/core/quick-exit.ts';
import { CATALOGUES, type MessageKey } from '../i18n/index.ts';
import { type AssetIntegrity, assetTags } from './assets.ts';
import { html, jsonBlock, type Html } from './html.ts';
import { stringsForPage } from './page-strings.ts';

export interface PageContext {
  lang: string;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  site: { name: string; languages: string[]; quickExitUrl: string };
  /** path of this page, for the language links */
  path: string;
  /** Subresource Integrity of the built assets (assets.ts) */
  integrity: AssetIntegrity;
}

export interface PageOptions {
  title: string;
  /** data-page attribute: which script module takes over the page */
  page: string;
  body: Html;
  /** values the page script reads (never secrets) */
  data?: Record<string, unknown>;
  /**
   * The no-JavaScript language choice: the id of the page's form that the buttons re-post to
   * /nojs/langue, and the page it renders again. Without it, the choice is a set of links (pages
   * where nothing typed would be lost); with JavaScript the page switches in place either way.
   */
  relang?: { form: string; page: NoJsPage };
  /** a receipt page: no site link, and languages only through the `relang` buttons */
  guarded?: boolean;
  /** a sentence next to the language links (e.g. that following one closes a conversation) */
  langNote?: string;
}

/** The pages /nojs/langue can render again in another language, from the fields of their form. */
export const NOJS_PAGES = ['report', 'witness', 'followup', 'receipt', 'witness-receipt'] as const;
export type NoJsPage = (typeof NOJS_PAGES)[number];

export function languageName(lang: string): string {
  return CATALOGUES[lang]?.['meta.name'] ?? lang;
}

function languages(ctx: PageContext, options: PageOptions): Html {
  const others = ctx.site.languages.filter((l) => l !== ctx.lang && l in CATALOGUES);
  if (others.length === 0) return html``;
  const links = html`${others.map((l) => html`<a href="${ctx.path}?lang=${l}" hreflang="${l}" lang="${l}" dir="${CATALOGUES[l]?.['meta.dir']}">${languageName(l)}</a>`)}`;
  const buttons = options.relang
    ? html`${others.map(
        (l) =>
          html`<button type="submit" class="lang-button" form="${options.relang?.form}" formaction="/nojs/langue?lang=${l}&amp;page=${options.relang?.page}" formmethod="post" formenctype="application/x-www-form-urlencoded" formnovalidate lang="${l}" dir="${CATALOGUES[l]?.['meta.dir']}">${languageName(l)}</button>`,
      )}`
    : null;
  // With a form to re-post, the links are for the page script only (it shows them; a receipt page
  // has none); without JavaScript the <noscript> buttons stand in their place.
  const body =
    buttons === null
      ? links
      : html`${options.guarded ? '' : html`<span class="lang-links" data-script-only hidden>${links}</span>`}<noscript>${buttons}</noscript>`;
  return html`<nav class="langs" id="langs" aria-label="${ctx.t('nav.languages')}">${body}${options.langNote ? html` <span class="hint">${options.langNote}</span>` : ''}</nav>`;
}

export function layout(ctx: PageContext, options: PageOptions): string {
  const dir = CATALOGUES[ctx.lang]?.['meta.dir'] ?? 'ltr';
  return `<!doctype html>\n${html`<html lang="${ctx.lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${options.title} — ${ctx.site.name}</title>
<link rel="icon" href="data:,">
${assetTags(ctx.integrity, ['app.css', 'resident.js'])}</head>
<body data-page="${options.page}">
<a class="skip" href="#main">${ctx.t('skip')}</a>
<header class="top" id="top">
  ${options.guarded ? html`<span class="site">${ctx.site.name}</span>` : html`<a class="site" id="site-link" href="/?lang=${ctx.lang}">${ctx.site.name}</a>`}
  <a class="quick-exit" id="quick-exit" href="${EXIT_PATH}" rel="noreferrer" title="${ctx.t('quickExit.hint')}">${ctx.t('quickExit')}</a>
</header>
${languages(ctx, options)}
<main id="main" tabindex="-1">
${options.body}
</main>
<script type="application/json" id="relais-data">${jsonBlock({ lang: ctx.lang, strings: stringsForPage(CATALOGUES[ctx.lang], options.page), ...(options.data ?? {}) })}</script>
</body>
</html>
`}`;
}
