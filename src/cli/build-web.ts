// `relais build-web` (`npm run build`): bundles the browser code of web/ with esbuild into
// web/dist/assets: the resident page script (no cryptography, small), the crypto worker
// (OpenPGP.js's lightweight build, which loads its heavier parts only when needed), and the
// stylesheet. Same-origin files only; no source maps, no inline code (DESIGN promise 9).

import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { say } from './args.ts';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
export const WEB_ASSETS = `${WEB}dist/assets`;

/** Entry points: page scripts and workers, by output name. */
export const WEB_ENTRIES: Record<string, string> = {
  resident: `${WEB}src/resident.ts`,
  'resident-worker': `${WEB}src/resident-worker.ts`,
  console: `${WEB}src/console/main.ts`,
  auditor: `${WEB}src/auditor/main.ts`,
  'auditor-worker': `${WEB}src/auditor/worker.ts`,
};

export async function buildWeb(options: { quiet?: boolean } = {}): Promise<esbuild.Metafile> {
  rmSync(`${WEB}dist`, { recursive: true, force: true });
  mkdirSync(WEB_ASSETS, { recursive: true });
  const result = await esbuild.build({
    entryPoints: WEB_ENTRIES,
    outdir: WEB_ASSETS,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox115', 'safari16'],
    // OpenPGP.js's lightweight build defers its rarely used algorithms to separate chunks.
    alias: { openpgp: 'openpgp/lightweight' },
    minify: true,
    legalComments: 'none',
    sourcemap: false,
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'silent',
  });
  for (const css of ['app.css', 'staff.css']) copyFileSync(`${WEB}static/${css}`, `${WEB_ASSETS}/${css}`);
  if (!options.quiet) say(`built ${readdirSync(WEB_ASSETS).length} files in web/dist/assets`);
  return result.metafile;
}

export async function buildWebCommand(): Promise<number> {
  await buildWeb();
  return 0;
}
