// What `relais check-site` checks of a live site, without trusting it (DESIGN promise 11, issue
// 12). Runtime-neutral: it is handed a fetch. It fetches, as a browser without cookies would:
//   1. the manifest (/.well-known/relais/manifest), whose body must be its own canonical JSON;
//   2. the site's languages from its public config (/api/v1/config): the manifest must list
//      every page in each of them, and every page this checker knows of that the site serves;
//   3. every page in every language and every static file the manifest lists, each compared,
//      byte for byte (pages after normalizePage), with the manifest's hash and size, and with the
//      CSP and security headers the manifest names; each page's scripts and stylesheets must be
//      files of the manifest, named with their Subresource Integrity hash;
//   4. the quick exit (/sortie), which must send the browser off the site with a 303 and ask it
//      to clear this origin's cache, cookies and storage: a quick exit that leads back to the
//      form, or stays on the site, would not be one.
// Every difference is a Problem naming its path. The log (site-log-check.ts) and a local rebuild
// (the CLI) are compared with the manifest hash this returns.

import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../core/bytes.ts';
import {
  MANIFEST_PATH,
  ManifestShapeError,
  manifestText,
  normalizePage,
  pageKeys,
  parseSiteManifest,
  type SiteManifest,
  fileEntry,
} from '../core/site-manifest.ts';
import { CLEAR_SITE_DATA, EXIT_PATH } from '../core/quick-exit.ts';

export type ProblemKind = 'missing' | 'changed' | 'header' | 'unlisted' | 'reference' | 'manifest' | 'log' | 'source';

export interface Problem {
  /** the served path ("/suivi?lang=en", "/assets/resident.js"), or what else differs */
  path: string;
  kind: ProblemKind;
  message: string;
}

/** The pages a Relais serves (this checker's own list, whatever the manifest says). */
export const KNOWN_PAGES = ['/', '/suivi', '/temoigner', '/console/', '/audit/'] as const;

/** Request headers of a plain browser navigation (Tor Browser's), so the checker looks like one. */
export const BROWSER_HEADERS: Record<string, string> = {
  'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0',
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'Accept-Language': 'en-US,en;q=0.5',
};

export interface SiteCheck {
  manifest: SiteManifest | null;
  /** SHA-256 (hex) of the served manifest's bytes */
  manifestHash: string | null;
  /** pages and files fetched and compared */
  checked: number;
  problems: Problem[];
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

interface Fetched {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
}

async function get(fetch: Fetch, base: string, path: string): Promise<Fetched | string> {
  try {
    const res = await fetch(new URL(path, base).toString(), { headers: BROWSER_HEADERS, redirect: 'manual', credentials: 'omit' });
    return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
  } catch (e) {
    return `could not be fetched (${(e as Error).message})`;
  }
}

function headerProblems(path: string, got: Headers, manifest: SiteManifest, isPage: boolean): Problem[] {
  const problems: Problem[] = [];
  const expected: Record<string, string | null> = { 'content-security-policy': manifest.default_csp, ...manifest.headers };
  if (isPage) expected['onion-location'] = manifest.onion === null ? null : manifest.onion + path.replace(/\?.*$/, '');
  for (const [name, value] of Object.entries(expected)) {
    const served = got.get(name);
    if (served !== value)
      problems.push({ path, kind: 'header', message: `${name} is ${JSON.stringify(served)}, the manifest says ${JSON.stringify(value)}` });
  }
  return problems;
}

/** Script and stylesheet tags of a page: each must be a file of the manifest with its hash. */
export function referenceProblems(path: string, html: string, manifest: SiteManifest): Problem[] {
  const problems: Problem[] = [];
  const tags = html.match(/<(?:script|link)\b[^>]*>/gi) ?? [];
  for (const tag of tags) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)?.[1] ?? null;
    const isScript = /^<script/i.test(tag);
    if (isScript && attr('type') === 'application/json' && attr('src') === null) continue; // page data, not code
    if (!isScript && !/\srel="stylesheet"/i.test(tag) && !/\srel="(modulepreload|preload)"/i.test(tag)) continue;
    const ref = attr(isScript ? 'src' : 'href');
    const file = ref === null ? undefined : manifest.files[ref];
    if (!file)
      problems.push({ path, kind: 'reference', message: `loads ${ref ?? 'an inline script'}, which is not a file of the manifest` });
    else if (attr('integrity') !== file.sha256)
      problems.push({ path, kind: 'reference', message: `loads ${ref} without its integrity hash` });
  }
  return problems;
}

/** The quick exit's answer: a 303 to an http(s) address on another origin, with Clear-Site-Data. */
export function exitProblems(base: string, got: Fetched | string, manifest: SiteManifest): Problem[] {
  const path = EXIT_PATH;
  if (typeof got === 'string') return [{ path, kind: 'missing', message: got }];
  if (got.status !== 303) return [{ path, kind: 'changed', message: `answered HTTP ${got.status}, not a 303 off the site` }];
  const problems = headerProblems(path, got.headers, manifest, false);
  const served = got.headers.get('clear-site-data');
  if (served !== CLEAR_SITE_DATA)
    problems.push({ path, kind: 'header', message: `clear-site-data is ${JSON.stringify(served)}, a quick exit sends ${CLEAR_SITE_DATA}` });
  let target: URL | null = null;
  try {
    target = new URL(got.headers.get('location') ?? '', base);
  } catch {}
  if (!target || !/^https?:$/.test(target.protocol) || target.origin === new URL(base).origin)
    problems.push({
      path,
      kind: 'changed',
      message: `sends the browser to ${JSON.stringify(got.headers.get('location'))}, not off the site`,
    });
  return problems;
}

function compare(
  path: string,
  got: Fetched | string,
  expected: { sha256: string; size: number },
  bytes: (f: Fetched) => Uint8Array,
): Problem[] {
  if (typeof got === 'string') return [{ path, kind: 'missing', message: got }];
  if (got.status !== 200) return [{ path, kind: 'missing', message: `answered HTTP ${got.status}` }];
  const entry = fileEntry(bytes(got));
  if (entry.sha256 === expected.sha256 && entry.size === expected.size) return [];
  return [
    {
      path,
      kind: 'changed',
      message: `is ${entry.size} bytes with ${entry.sha256}; the manifest says ${expected.size} bytes with ${expected.sha256}`,
    },
  ];
}

export async function checkSite(
  fetch: Fetch,
  base: string,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<SiteCheck> {
  const problems: Problem[] = [];
  const served = await get(fetch, base, MANIFEST_PATH);
  if (typeof served === 'string' || served.status !== 200) {
    const message = typeof served === 'string' ? served : `answered HTTP ${served.status}`;
    return { manifest: null, manifestHash: null, checked: 0, problems: [{ path: MANIFEST_PATH, kind: 'missing', message }] };
  }
  const text = new TextDecoder().decode(served.bytes);
  const manifestHash = toHex(sha256(served.bytes));
  let manifest: SiteManifest;
  try {
    manifest = parseSiteManifest(text);
  } catch (e) {
    if (!(e instanceof ManifestShapeError)) throw e;
    return { manifest: null, manifestHash, checked: 0, problems: [{ path: MANIFEST_PATH, kind: 'manifest', message: e.message }] };
  }
  if (manifestText(manifest) !== text)
    problems.push({ path: MANIFEST_PATH, kind: 'manifest', message: 'is not in canonical form (its hash would not name it)' });

  const config = await get(fetch, base, '/api/v1/config');
  let languages: string[] = manifest.languages;
  try {
    if (typeof config === 'string' || config.status !== 200) throw new Error();
    const site = (JSON.parse(new TextDecoder().decode(config.bytes)) as { site?: { languages?: unknown } }).site;
    if (!Array.isArray(site?.languages) || !site.languages.every((l) => typeof l === 'string')) throw new Error();
    languages = site.languages as string[];
  } catch {
    problems.push({ path: '/api/v1/config', kind: 'missing', message: 'does not give the site’s languages' });
  }
  if (languages.join(',') !== manifest.languages.join(','))
    problems.push({
      path: MANIFEST_PATH,
      kind: 'manifest',
      message: `lists the languages ${manifest.languages.join(', ')}, the site offers ${languages.join(', ')}`,
    });

  const listed = Object.keys(manifest.pages);
  const known = KNOWN_PAGES.flatMap((p) => pageKeys(p, languages)).filter((k) => !(k in manifest.pages));
  const total = listed.length + known.length + Object.keys(manifest.files).length + 1;
  let done = 0;
  const step = () => onProgress(++done, total);
  for (const path of listed) {
    const got = await get(fetch, base, path);
    const normalized = (f: Fetched) => new TextEncoder().encode(normalizePage(new TextDecoder().decode(f.bytes)));
    const found = compare(path, got, manifest.pages[path] as { sha256: string; size: number }, normalized);
    problems.push(...found);
    if (typeof got !== 'string' && got.status === 200) {
      problems.push(...headerProblems(path, got.headers, manifest, true));
      problems.push(...referenceProblems(path, new TextDecoder().decode(got.bytes), manifest));
    }
    step();
  }
  for (const path of known) {
    const got = await get(fetch, base, path);
    const type = typeof got === 'string' ? '' : (got.headers.get('content-type') ?? '');
    if (typeof got !== 'string' && got.status === 200 && type.startsWith('text/html'))
      problems.push({ path, kind: 'unlisted', message: 'is a page the site serves that the manifest does not list' });
    step();
  }
  for (const [path, entry] of Object.entries(manifest.files)) {
    const got = await get(fetch, base, path);
    problems.push(...compare(path, got, entry, (f) => f.bytes));
    if (typeof got !== 'string' && got.status === 200) problems.push(...headerProblems(path, got.headers, manifest, false));
    step();
  }
  problems.push(...exitProblems(base, await get(fetch, base, EXIT_PATH), manifest));
  step();
  return { manifest, manifestHash, checked: done, problems };
}
