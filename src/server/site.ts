// The code this server serves, as a manifest (DESIGN promise 11, issue 12; the format is in
// src/core/site-manifest.ts). At start, the runtime entry renders every server-rendered page in
// every language through the app itself — exactly as a browser without cookies gets it — hashes
// it after replacing its no-JS form tokens (normalizePage), joins the build manifest of the
// static files, the CSP and the security headers, and records the result: if its hash differs
// from the newest recorded deployment, a `site.deployed` audit entry (manifest hash, version,
// commit) goes into the log, in the same batch as the manifest, before the server answers anyone.

import { auditEntryJson } from '../core/audit-entry.ts';
import {
  type BuildManifest,
  fileEntry,
  type FileEntry,
  manifestHash,
  manifestText,
  normalizePage,
  pageKeys,
  SITE_FORMAT,
  type SiteManifest,
} from '../core/site-manifest.ts';
import type { Relais } from './context.ts';

/** The headers every answer carries and a checker compares (the CSP is `default_csp`). */
export const CHECKED_HEADERS = [
  'cache-control',
  'referrer-policy',
  'x-content-type-options',
  'x-frame-options',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'cross-origin-embedder-policy',
  'permissions-policy',
] as const;

/** The site's manifest once published: the object, the served bytes and their hash. */
export interface Published {
  manifest: SiteManifest;
  text: string;
  hash: string;
}

/** What the routes read: the build (for Subresource Integrity) and, after start, the manifest. */
export class Site {
  /** served path → "sha256-…", for the pages' script and stylesheet tags */
  readonly integrity: Readonly<Record<string, string>>;
  private current: Published | null = null;

  constructor(readonly build: BuildManifest) {
    this.integrity = Object.fromEntries(Object.entries(build.files).map(([path, f]) => [path, f.sha256]));
  }

  publish(manifest: SiteManifest): Published {
    this.current = { manifest, text: manifestText(manifest), hash: manifestHash(manifest) };
    return this.current;
  }

  get published(): Published | null {
    return this.current;
  }
}

/** Paths a page could be at: GET routes without parameters, outside the API, forms and assets. */
export function pagePaths(routes: readonly { method: string; path: string }[]): string[] {
  const paths = routes
    .filter((r) => r.method === 'GET' && !/[:*]/.test(r.path))
    .map((r) => r.path)
    .filter((p) => !/^\/(api|nojs|assets|\.well-known)(\/|$)/.test(p));
  return [...new Set(paths)].sort();
}

/**
 * Renders every page of `paths` in every language through `fetch` (the app's own entry point) and
 * builds the site manifest. Paths that do not answer 200 with HTML (redirects) are not pages.
 */
export async function renderSiteManifest(
  fetch: (req: Request) => Promise<Response>,
  options: { origin: string; paths: readonly string[]; languages: readonly string[]; onion?: string | undefined; build: BuildManifest },
): Promise<SiteManifest> {
  const pages: Record<string, FileEntry> = {};
  let headers: Headers | null = null;
  for (const path of options.paths) {
    for (const key of pageKeys(path, options.languages)) {
      const res = await fetch(new Request(new URL(key, options.origin)));
      const type = res.headers.get('content-type') ?? '';
      const body = await res.text();
      if (res.status !== 200 || !type.startsWith('text/html')) continue;
      pages[key] = fileEntry(new TextEncoder().encode(normalizePage(body)));
      headers ??= res.headers;
    }
  }
  if (!headers) throw new Error('site manifest: no page rendered');
  const got = headers;
  return {
    format: SITE_FORMAT,
    app: 'relais',
    version: options.build.version,
    commit: options.build.commit,
    sources: options.build.sources,
    default_csp: got.get('content-security-policy') ?? '',
    headers: Object.fromEntries(CHECKED_HEADERS.map((name) => [name, got.get(name) ?? ''])),
    onion: options.onion ?? null,
    default_index: '/',
    languages: [...options.languages],
    files: options.build.files,
    pages,
  };
}

/** Publishes the manifest and logs `site.deployed` if it is new; true if it was logged. */
export async function recordSiteDeployment(relais: Relais, manifest: SiteManifest): Promise<boolean> {
  const { store } = relais;
  const published = relais.site.publish(manifest);
  const latest = await store.siteDeployments.latest();
  if (latest?.manifestHash === published.hash) return false;
  const entry = auditEntryJson({
    action: 'site.deployed',
    actor: 'system',
    time: relais.clock(),
    details: { manifest: published.hash, previous: latest?.manifestHash ?? null, version: manifest.version, commit: manifest.commit },
  });
  await store.batch(store.siteDeployments.recordStatements(entry, published.hash, published.text, relais.clock()));
  return true;
}
