// `relais build` (`npm run build`, issue 14 item 1): builds the web assets (build-web.ts), then
// compiles the server and the CLI to JavaScript in dist/ with esbuild, so that `relais serve` runs
// with no TypeScript tooling. One ES module per command and shared chunks (code splitting), so a
// command loads only its own code; packages stay in node_modules (not bundled: better-sqlite3 is
// native, and the others keep their own files); not minified, so the code stays readable.
// dist/build-stamp.json lists every source file the compiled code and the web build came from:
// bin/relais.js runs dist/ only while they are unchanged. The compiled server carries the sources
// digest of the web build made with it, and refuses to start on other web assets
// (src/node-web-build.ts). The Workers entry is not compiled here: wrangler bundles src/worker.ts.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sourcesDigest } from '../node-web-build.ts';
import { PACKAGE_ROOT } from '../paths.ts';
import { help, parse, say } from './args.ts';
import { buildWeb } from './build-web.ts';

const USAGE = `relais build

Builds web/dist (as relais build-web does) and compiles the server and the CLI into dist/.`;

export const STAMP_FORMAT = 'relais-dist/1';

export async function buildServer(
  webSources: string,
  webInputs: string[],
  options: { root?: string; quiet?: boolean } = {},
): Promise<void> {
  const esbuild = await import('esbuild');
  const root = resolve(options.root ?? PACKAGE_ROOT);
  const out = join(root, 'dist');
  rmSync(out, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir: 'dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    chunkNames: '[name]-[hash]',
    minify: false,
    legalComments: 'none',
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    define: { RELAIS_WEB_BUILD: JSON.stringify(webSources) },
  });
  const own = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('<'));
  const { inputs } = sourcesDigest(root, [...own, ...webInputs]);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'build-stamp.json'), `${JSON.stringify({ format: STAMP_FORMAT, web: webSources, inputs }, null, 1)}\n`);
  if (!options.quiet) say(`compiled ${Object.keys(result.metafile.outputs).length} modules into ${out}`);
}

export async function buildCommand(argv: string[] = []): Promise<number> {
  const { values } = parse(argv, {}, USAGE);
  if (values.help) return help(USAGE);
  const web = await buildWeb();
  await buildServer(web.manifest.sources, Object.keys(web.inputs));
  return 0;
}
