// The manifest of the code a Relais site serves (DESIGN promise 11, issue 12). Runtime-neutral:
// the build writes the first half, the server completes it at start, `relais check-site` and the
// auditor page read it.
//
//   build manifest (web/dist/build.json, `relais build-web`): every static file under /assets/
//     with its SHA-256 (in Subresource Integrity form, "sha256-<base64>") and size, the Relais
//     version, the source commit when the build knew it, and a digest of every input file.
//     Reproducible: the same commit gives the same bytes on any machine.
//   site manifest (GET /.well-known/relais/manifest): the build's part unchanged, plus each
//     server-rendered page in each language as served, the CSP and the security headers every
//     answer carries. Its hash (SHA-256 of its canonical JSON, RFC 8785, in hex) is what the
//     `site.deployed` audit entry records and what a city prints on its posters.
//
// Pages carry one kind of per-request content: the no-JavaScript forms' single-use tokens
// (src/core/form-token.ts). A page's hash is taken with every token replaced by "form1.<purpose>"
// (normalizePage): a token is 78 characters of [0-9A-Za-z_-] at a fixed place in an attribute
// value, so it can carry no markup and no code (the CSP runs no inline script anyway).
//
// The shape follows WEBCAT's manifest where it fits (files by path with SHA-256, `default_csp`,
// `default_index`, canonical JSON); README "The code served" says why it is not a WEBCAT manifest.

import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64, toHex, utf8 } from './bytes.ts';
import { canonicalJson } from './canonical-json.ts';

export const BUILD_FORMAT = 'relais-web-build/1';
export const SITE_FORMAT = 'relais-site-manifest/1';
export const MANIFEST_PATH = '/.well-known/relais/manifest';
export const DEPLOYMENTS_PATH = '/.well-known/relais/deployments';

export interface FileEntry {
  /** Subresource Integrity form: "sha256-" and the standard base64 of the SHA-256 */
  sha256: string;
  size: number;
}

export interface BuildManifest {
  format: typeof BUILD_FORMAT;
  version: string;
  /** the git commit the build was made from, or null when unknown or the tree had changes */
  commit: string | null;
  /** SHA-256 over every input file of the build (path and content), in SRI form */
  sources: string;
  /** served path (/assets/…) → hash and size */
  files: Record<string, FileEntry>;
}

export interface SiteManifest {
  format: typeof SITE_FORMAT;
  app: 'relais';
  version: string;
  commit: string | null;
  sources: string;
  /** the Content-Security-Policy every answer carries */
  default_csp: string;
  /** the other security headers every answer carries (lower-case names) */
  headers: Record<string, string>;
  /** the onion address pages announce (Onion-Location: this + the page's path), or null */
  onion: string | null;
  default_index: '/';
  /** the site's languages, in the config's order; every page is listed in each */
  languages: string[];
  /** the static files, exactly as in the build manifest */
  files: Record<string, FileEntry>;
  /** server-rendered pages ("/suivi?lang=en"), hashed after normalizePage */
  pages: Record<string, FileEntry>;
}

export function integrityOf(bytes: Uint8Array): string {
  return `sha256-${toBase64(sha256(bytes))}`;
}

export function fileEntry(bytes: Uint8Array): FileEntry {
  return { sha256: integrityOf(bytes), size: bytes.length };
}

/** The manifest's hash: SHA-256 of its canonical JSON, lower-case hex. */
export function manifestHash(manifest: SiteManifest | BuildManifest): string {
  return toHex(sha256(utf8(canonicalJson(manifest))));
}

/** The bytes served at MANIFEST_PATH: canonical JSON, so the body's SHA-256 is the manifest hash. */
export function manifestText(manifest: SiteManifest): string {
  return canonicalJson(manifest);
}

const FORM_TOKEN = /form1\.(report|lookup|message)\.[0-9]{1,12}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/g;

/** A served page with its no-JS form tokens replaced by their purpose alone. */
export function normalizePage(html: string): string {
  return html.replace(FORM_TOKEN, 'form1.$1');
}

/** A hash grouped by four for people to compare ("3f2a 91bc …"). */
export function groupedHash(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

/** Languages first-class: "/" and "/?lang=<l>" for every language, for one page path. */
export function pageKeys(path: string, languages: readonly string[]): string[] {
  return [path, ...languages.map((l) => `${path}?lang=${l}`)];
}

export class ManifestShapeError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SRI = /^sha256-[A-Za-z0-9+/]{43}=$/;

function fileMap(value: unknown, what: string, pathShape: RegExp): Record<string, FileEntry> {
  if (!isRecord(value)) throw new ManifestShapeError(`${what} is not an object`);
  const out: Record<string, FileEntry> = {};
  for (const [path, entry] of Object.entries(value)) {
    if (!pathShape.test(path)) throw new ManifestShapeError(`${what}: a path is not a local path`);
    if (!isRecord(entry) || typeof entry.sha256 !== 'string' || !SRI.test(entry.sha256)) throw new ManifestShapeError(`${what}: bad hash`);
    if (typeof entry.size !== 'number' || !Number.isSafeInteger(entry.size) || entry.size < 0)
      throw new ManifestShapeError(`${what}: bad size`);
    out[path] = { sha256: entry.sha256, size: entry.size };
  }
  return out;
}

const stringMap = (value: unknown, what: string): Record<string, string> => {
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) throw new ManifestShapeError(`${what} is not strings`);
  return value as Record<string, string>;
};

function onionMissing(value: unknown): null {
  if (value !== null) throw new ManifestShapeError('bad onion address');
  return null;
}

/** A site manifest read from elsewhere (a server), checked field by field; throws ManifestShapeError. */
export function parseSiteManifest(text: string): SiteManifest {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ManifestShapeError('the manifest is not JSON');
  }
  if (!isRecord(v) || v.format !== SITE_FORMAT || v.app !== 'relais') throw new ManifestShapeError(`not a ${SITE_FORMAT} manifest`);
  const str = (k: string) => {
    if (typeof v[k] !== 'string') throw new ManifestShapeError(`${k} is missing`);
    return v[k] as string;
  };
  if (v.commit !== null && (typeof v.commit !== 'string' || !/^[0-9a-f]{40,64}$/.test(v.commit)))
    throw new ManifestShapeError('bad commit');
  const languages = v.languages;
  if (!Array.isArray(languages) || !languages.every((l) => typeof l === 'string' && /^[a-z]{2,3}$/.test(l)))
    throw new ManifestShapeError('bad languages');
  if (v.default_index !== '/') throw new ManifestShapeError('bad default_index');
  return {
    format: SITE_FORMAT,
    app: 'relais',
    version: str('version'),
    commit: v.commit as string | null,
    sources: str('sources'),
    default_csp: str('default_csp'),
    headers: stringMap(v.headers, 'headers'),
    onion: typeof v.onion === 'string' && /^https?:\/\/[a-z2-7]{56}\.onion$/.test(v.onion) ? v.onion : onionMissing(v.onion),
    default_index: '/',
    languages: languages as string[],
    files: fileMap(v.files, 'files', /^\/assets\/[A-Za-z0-9._-]+$/),
    pages: fileMap(v.pages, 'pages', /^\/[A-Za-z0-9/_-]*(\?lang=[a-z]{2,3})?$/),
  };
}
