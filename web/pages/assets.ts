// The script and stylesheet tags of every page (DESIGN promises 9 and 11), in one place: each
// names a file of this origin under /assets/ with its Subresource Integrity hash from the build
// manifest (web/dist/build.json), so a browser refuses a file that differs by one byte. Pages call
// assetTags with the names they load; a name the build did not make is an error, not a page
// without its script.

import { html, type Html } from './html.ts';

/** served path ("/assets/app.css") → "sha256-<base64>" */
export type AssetIntegrity = Readonly<Record<string, string>>;

export function assetTags(integrity: AssetIntegrity, names: readonly string[]): Html {
  return html`${names.map((name) => {
    const path = `/assets/${name}`;
    const hash = integrity[path];
    if (!hash) throw new Error(`assetTags: ${path} is not in the build manifest`);
    return name.endsWith('.css')
      ? html`<link rel="stylesheet" href="${path}" integrity="${hash}">\n`
      : html`<script type="module" src="${path}" integrity="${hash}"></script>\n`;
  })}`;
}
