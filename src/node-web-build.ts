// The Node server's check of its web assets at start (issue 14 item 1, DESIGN promise 11): it
// refuses to start, with one line saying what to do, when web/dist/build.json is missing, when a
// file it lists is missing or differs from its hash, or when the build does not match the code
// that is starting: a compiled server (dist/, `npm run build`) carries the sources digest of the
// web build made with it (RELAIS_WEB_BUILD); a server run from its sources hashes the build's
// input files again. Node only (it reads files); the Workers entry reads build.json from its
// assets, deployed together with its code.

import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_FORMAT, type BuildManifest } from './core/site-manifest.ts';
import { PACKAGE_ROOT } from './paths.ts';

/** The sources digest of the web build this compiled server was built with (esbuild define). */
declare const RELAIS_WEB_BUILD: string | undefined;

export const BUILD_FILE = 'build.json';

/** SHA-256 in base64 with node:crypto (several times faster than a JS SHA-256 on megabytes). */
const base64Sha256 = (bytes: Uint8Array): string => hash('sha256', bytes, 'base64');
/** The same as integrityOf in src/core/site-manifest.ts. */
const integrity = (bytes: Uint8Array): string => `sha256-${base64Sha256(bytes)}`;

/** A start refused because of the web assets; the message is one line for the operator. */
export class WebBuildProblem extends Error {}

/** SHA-256 over the build's inputs: sorted relative paths, each with its content's hash. */
export function sourcesDigest(root: string, inputs: Iterable<string>): { digest: string; inputs: Record<string, string> } {
  const hashes: Record<string, string> = {};
  for (const path of [...new Set(inputs)].sort()) hashes[path] = base64Sha256(readFileSync(join(root, path)));
  const listing = Object.entries(hashes)
    .map(([path, hash]) => `${path}\0${hash}\n`)
    .join('');
  return { digest: integrity(new TextEncoder().encode(listing)), inputs: hashes };
}

const REBUILD = 'run `npm run build`';

/** Reads and checks webRoot/build.json and every file it lists; throws WebBuildProblem. */
export function loadWebBuild(webRoot: string, root = PACKAGE_ROOT): BuildManifest {
  const file = join(webRoot, BUILD_FILE);
  let raw: BuildManifest & { inputs?: Record<string, string> };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new WebBuildProblem(`the web assets are missing (no readable ${file}): ${REBUILD}`);
  }
  if (raw?.format !== BUILD_FORMAT || typeof raw.files !== 'object' || typeof raw.sources !== 'string')
    throw new WebBuildProblem(`${file} is not a build manifest of this version: ${REBUILD}`);
  for (const [path, entry] of Object.entries(raw.files)) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(join(webRoot, path));
    } catch {
      throw new WebBuildProblem(`the web asset ${join(webRoot, path)} is missing: ${REBUILD}`);
    }
    if (bytes.length !== entry.size || integrity(bytes) !== entry.sha256)
      throw new WebBuildProblem(`the web asset ${join(webRoot, path)} does not match ${file}: ${REBUILD}`);
  }
  if (typeof RELAIS_WEB_BUILD === 'string') {
    if (raw.sources !== RELAIS_WEB_BUILD)
      throw new WebBuildProblem(`the web assets were built from other sources than this server: ${REBUILD}`);
  } else {
    let digest = '';
    try {
      digest = sourcesDigest(root, Object.keys(raw.inputs ?? {})).digest;
    } catch {
      // an input file is gone: the sources changed
    }
    if (digest !== raw.sources) throw new WebBuildProblem(`the web assets are older than the sources in ${root}: ${REBUILD}`);
  }
  const { format, version, commit, sources, files } = raw;
  return { format, version, commit, sources, files };
}
