// The shell of the staff pages (officer console, auditor page): the same strict headers as every
// page (DESIGN promise 9), a bundle of its own (the resident's form never loads staff code and
// the reverse), no report content in the URL or the title, and a <noscript> note, since decrypting
// in the page needs JavaScript.

import { STAFF_CATALOGUES } from '../i18n/staff/index.ts';
import { type AssetIntegrity, assetTags } from './assets.ts';
import { html, jsonBlock } from './html.ts';

export interface StaffShell {
  lang: string;
  siteName: string;
  title: string;
  /** the bundle in web/dist/assets, e.g. "console" */
  script: string;
  noscript: string;
  integrity: AssetIntegrity;
}

export function staffShell(shell: StaffShell): string {
  const strings = STAFF_CATALOGUES[shell.lang] ?? STAFF_CATALOGUES.fr;
  return `<!doctype html>\n${html`<html lang="${shell.lang}" dir="${strings?.['meta.dir'] ?? 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${shell.title} — ${shell.siteName}</title>
<link rel="icon" href="data:,">
${assetTags(shell.integrity, ['app.css', 'staff.css', `${shell.script}.js`])}</head>
<body class="staff">
<header class="top"><span class="site">${shell.siteName} — ${shell.title}</span><span id="session-bar"></span></header>
<main id="main" tabindex="-1">
<noscript><p class="nojs">${shell.noscript}</p></noscript>
<div id="app" aria-live="polite"></div>
</main>
<script type="application/json" id="relais-data">${jsonBlock({ lang: shell.lang, strings })}</script>
</body>
</html>
`}`;
}
