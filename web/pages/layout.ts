// The page shell shared by every resident page (DESIGN promise 9): language and direction from
// the catalogue, one stylesheet and one script from this origin, a skip link, the language
// switch and the quick-exit link that works with or without JavaScript.

import { CATALOGUES, type MessageKey } from '../i18n/index.ts';
import { type AssetIntegrity, assetTags } from './assets.ts';
import { html, jsonBlock, type Html } from './html.ts';
import { stringsForPage } from './witness-strings.ts';

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
}

export function layout(ctx: PageContext, options: PageOptions): string {
  const dir = CATALOGUES[ctx.lang]?.['meta.dir'] ?? 'ltr';
  const others = ctx.site.languages.filter((l) => l !== ctx.lang && l in CATALOGUES);
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
<header class="top">
  <a class="site" href="/?lang=${ctx.lang}">${ctx.site.name}</a>
  <nav class="langs" aria-label="Langue / Language">${others.map((l) => html`<a href="${ctx.path}?lang=${l}" hreflang="${l}" lang="${l}">${CATALOGUES[l]?.['meta.name']}</a>`)}</nav>
  <a class="quick-exit" id="quick-exit" href="${ctx.site.quickExitUrl}" rel="noreferrer noopener" title="${ctx.t('quickExit.hint')}">${ctx.t('quickExit')}</a>
</header>
<main id="main" tabindex="-1">
${options.body}
</main>
<script type="application/json" id="relais-data">${jsonBlock({ lang: ctx.lang, strings: stringsForPage(CATALOGUES[ctx.lang], options.page), quickExitUrl: ctx.site.quickExitUrl, ...(options.data ?? {}) })}</script>
</body>
</html>
`}`;
}
