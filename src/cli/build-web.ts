// `relais build-web` (part of `npm run build`): bundles the browser code of web/ with esbuild into
// web/dist/assets, reproducibly (DESIGN promise 11, issue 12): the same commit gives the same
// bytes on any machine, in any folder. Fixed settings, paths relative to the package root, no
// source maps, no legal comments, no timestamps, no code splitting (so no chunk names, and every
// file a page or a worker loads is one checked file), CSS minified by esbuild too.
//
// Each script that loads another file later (the resident page its crypto worker, that worker the
// strippers, the auditor page its worker) has the SHA-256 of that file compiled in, and starts or
// imports it only after checking the fetched bytes (web/src/checked-load.ts): the builds run in
// that order. The pages name their scripts and stylesheets with Subresource Integrity from
// web/dist/build.json, which lists every file with its hash and size (src/core/site-manifest.ts).
// Same-origin files only, no inline code (DESIGN promise 9).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUILD_FORMAT, type BuildManifest, fileEntry, integrityOf } from '../core/site-manifest.ts';
import { BUILD_FILE, sourcesDigest } from '../node-web-build.ts';
import { PACKAGE_ROOT } from '../paths.ts';
import { help, parse, say } from './args.ts';

const USAGE = `relais build-web [--out web/dist]

Bundles web/ into OUT/assets and writes OUT/build.json (every file with its SHA-256 and size).`;

/** What each script is built from, in build order, and the files it loads later (checked). */
const SCRIPTS: { name: string; entry: string; loads: string[] }[] = [
  { name: 'strip.js', entry: 'src/core/strip/index.ts', loads: [] },
  { name: 'resident-worker.js', entry: 'web/src/resident-worker.ts', loads: ['strip.js'] },
  { name: 'auditor-worker.js', entry: 'web/src/auditor/worker.ts', loads: [] },
  { name: 'resident.js', entry: 'web/src/resident.ts', loads: ['resident-worker.js'] },
  { name: 'console.js', entry: 'web/src/console/main.ts', loads: [] },
  { name: 'auditor.js', entry: 'web/src/auditor/main.ts', loads: ['auditor-worker.js'] },
];
const STYLES = [
  { name: 'app.css', entry: 'web/static/app.css' },
  { name: 'staff.css', entry: 'web/static/staff.css' },
];

/** The commit of a clean git checkout at `root`, else null (a tree with changes is not that commit). */
export function sourceCommit(root: string): string | null {
  const git = (...args: string[]) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  const head = git('rev-parse', '--verify', 'HEAD');
  if (head.status !== 0 || !/^[0-9a-f]{40,64}\n$/.test(head.stdout)) return null;
  const status = git('status', '--porcelain');
  if (status.status !== 0 || status.stdout !== '') return null;
  return head.stdout.trim();
}

export interface WebBuild {
  manifest: BuildManifest;
  /** every input file (relative path → base64 SHA-256), for the server's start check */
  inputs: Record<string, string>;
}

export async function buildWeb(options: { root?: string; out?: string; quiet?: boolean } = {}): Promise<WebBuild> {
  // esbuild is a build tool (a development dependency): loaded only when building.
  const esbuild = await import('esbuild');
  const root = resolve(options.root ?? PACKAGE_ROOT);
  const out = resolve(root, options.out ?? 'web/dist');
  const common = {
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    legalComments: 'none',
    sourcemap: false,
    charset: 'ascii',
    logLevel: 'silent',
    // Packages resolve under root/node_modules even when that is a link, so input paths (and
    // the sources digest) do not depend on where node_modules really lives.
    preserveSymlinks: true,
  } as const;
  const built = new Map<string, Uint8Array>();
  const inputs = new Set<string>();
  for (const script of SCRIPTS) {
    const hashes = Object.fromEntries(script.loads.map((name) => [name, integrityOf(built.get(name) as Uint8Array)]));
    const result = await esbuild.build({
      ...common,
      entryPoints: [script.entry],
      outfile: `out/${script.name}`,
      format: 'esm',
      platform: 'browser',
      target: ['es2022', 'chrome100', 'firefox115', 'safari16'],
      splitting: false,
      // OpenPGP.js's lightweight build; without splitting its lazily loaded parts are bundled in.
      alias: { openpgp: 'openpgp/lightweight' },
      define: { RELAIS_ASSETS: JSON.stringify(hashes) },
    });
    collect(result, script.name, built, inputs);
  }
  for (const style of STYLES) {
    const result = await esbuild.build({ ...common, entryPoints: [style.entry], outfile: `out/${style.name}`, loader: { '.css': 'css' } });
    collect(result, style.name, built, inputs);
  }
  const { digest, inputs: inputHashes } = sourcesDigest(root, inputs);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const manifest: BuildManifest = {
    format: BUILD_FORMAT,
    version,
    commit: sourceCommit(root),
    sources: digest,
    files: Object.fromEntries([...built.keys()].sort().map((name) => [`/assets/${name}`, fileEntry(built.get(name) as Uint8Array)])),
  };
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  for (const [name, bytes] of built) writeFileSync(join(out, 'assets', name), bytes);
  writeFileSync(join(out, BUILD_FILE), `${JSON.stringify({ ...manifest, inputs: inputHashes }, null, 1)}\n`);
  if (!options.quiet) say(`built ${built.size} files in ${out}/assets (sources ${digest})`);
  return { manifest, inputs: inputHashes };
}

function collect(
  result: { outputFiles?: { contents: Uint8Array }[]; metafile?: { inputs: Record<string, unknown> } },
  name: string,
  built: Map<string, Uint8Array>,
  inputs: Set<string>,
): void {
  const [file, ...extra] = result.outputFiles ?? [];
  if (!file || extra.length > 0) throw new Error(`build-web: ${name} did not build into exactly one file`);
  built.set(name, file.contents);
  // Real files only: esbuild also lists `<define:…>`, whose value is the hash of a file built here.
  for (const path of Object.keys(result.metafile?.inputs ?? {})) if (!path.startsWith('<')) inputs.add(path);
}

export async function buildWebCommand(argv: string[] = []): Promise<number> {
  const { values } = parse(argv, { out: { type: 'string' } }, USAGE);
  if (values.help) return help(USAGE);
  await buildWeb(values.out ? { out: resolve(values.out) } : {});
  return 0;
}
