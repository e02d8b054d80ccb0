// The served code in the log (issue 12): a start logs `site.deployed` with the manifest hash
// before it answers anyone, once even when several processes (Workers isolates) start together
// with the same code, again for new code and for going back to earlier code, and never on a plain
// restart. The manifest's pages are rendered as served and do not depend on the moment; its public
// routes take no input; the deployment entries prove into the signed tree, and a rewritten entry
// does not.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelais, siteManifestOf } from '../../src/app.ts';
import { checkDeployments } from '../../src/client/site-log-check.ts';
import { KNOWN_PAGES } from '../../src/client/site-check.ts';
import { loadConfigFile } from '../../src/config/load-node.ts';
import { toHex } from '../../src/core/bytes.ts';
import { fileEntry, manifestHash, parseSiteManifest } from '../../src/core/site-manifest.ts';
import { parseVerifierKey } from '../../src/core/tlog/index.ts';
import { openNodeStore, startNodeServer } from '../../src/node.ts';
import { WEB_DIST_DIR } from '../../src/paths.ts';
import { loadWebBuild } from '../../src/node-web-build.ts';
import { pagePaths, recordSiteDeployment } from '../../src/server/site.ts';
import { deriveSecrets } from '../../src/server/secrets.ts';
import { makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { tamper } from '../log/helpers.ts';
import { tempDir } from '../helpers/temp.ts';

let server: TestServer;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  for (const close of closers) await close();
});

async function deployments(dbPath: string): Promise<{ idx: number; details: Record<string, unknown> }[]> {
  const store = await openNodeStore(dbPath);
  try {
    return (await store.audit.range(0, 10_000))
      .map((r) => ({ idx: r.idx, ...JSON.parse(r.entry) }))
      .filter((e) => e.action === 'site.deployed')
      .map((e) => ({ idx: e.idx, details: e.details }));
  } finally {
    await store.db.close();
  }
}

/** A copy of web/dist whose stylesheet (and its entry in build.json) differ: other code. */
function otherBuild(): string {
  const dir = tempDir('relais-other-build-');
  cpSync(WEB_DIST_DIR, dir, { recursive: true });
  const css = Buffer.concat([readFileSync(join(dir, 'assets', 'app.css')), Buffer.from('main{margin:0}')]);
  writeFileSync(join(dir, 'assets', 'app.css'), css);
  const build = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8'));
  build.files['/assets/app.css'] = fileEntry(css);
  writeFileSync(join(dir, 'build.json'), JSON.stringify(build));
  return dir;
}

describe('site.deployed', () => {
  it('is in the log, and in its signed checkpoint, before the server answers, naming the manifest it serves', async () => {
    const body = new Uint8Array(await (await fetch(`${server.url}/.well-known/relais/manifest`)).arrayBuffer());
    const [deployed] = await deployments(server.dbPath);
    expect(deployed?.details).toEqual({
      manifest: toHex(sha256(body)),
      previous: null,
      version: '0.1.0',
      commit: server.relais.site.build.commit,
    });
    const checkpoint = await server.relais.tlog.table.latestCheckpoint();
    expect(checkpoint!.size).toBeGreaterThan(deployed!.idx);
  });

  it('is not written again by a restart with the same code, written for new code and again for going back', async () => {
    const fx = await makeFixture();
    const db = join(fx.dir, 'relais.db');
    const config = await loadConfigFile(fx.configPath);
    const start = async (webRoot?: string) => {
      const s = await startNodeServer({
        config,
        dbPath: db,
        serverSecret: new Uint8Array(32).fill(7),
        port: 0,
        log: () => {},
        ...(webRoot ? { webRoot } : {}),
      });
      const hash = manifestHash(parseSiteManifest(await (await fetch(`${s.url}/.well-known/relais/manifest`)).text()));
      await s.close();
      return hash;
    };
    const first = await start();
    expect(await start()).toBe(first);
    const other = await start(otherBuild());
    expect(other).not.toBe(first);
    expect(await start()).toBe(first);
    expect((await deployments(db)).map((d) => [d.details.manifest, d.details.previous])).toEqual([
      [first, null],
      [other, first],
      [first, other],
    ]);
  });

  it('is written once when several processes start together with the same new code', async () => {
    const fx = await makeFixture();
    const db = join(fx.dir, 'shared.db');
    const config = await loadConfigFile(fx.configPath);
    const build = loadWebBuild(WEB_DIST_DIR);
    const processes = [];
    for (let i = 0; i < 3; i++) {
      const store = await openNodeStore(db);
      closers.push(() => store.db.close());
      processes.push(createRelais({ config, store, secrets: deriveSecrets(new Uint8Array(32).fill(1)), build }));
    }
    const manifest = await siteManifestOf({
      config,
      store: processes[0]!.store,
      secrets: deriveSecrets(new Uint8Array(32).fill(2)),
      build,
    });
    // All three read "nothing deployed yet" before any of them writes.
    expect(await Promise.all(processes.map((p) => recordSiteDeployment(p, manifest)))).toContain(true);
    expect(await deployments(db)).toHaveLength(1);
  });
});

describe('the site manifest', () => {
  it('does not depend on the moment, the secret or the form tokens of the pages', async () => {
    const build = loadWebBuild(WEB_DIST_DIR);
    const at = (t: number, secret: number) =>
      siteManifestOf({
        config: server.config,
        store: server.relais.store,
        secrets: deriveSecrets(new Uint8Array(32).fill(secret)),
        build,
        clock: () => t,
      });
    const [a, b] = await Promise.all([at(Date.UTC(2026, 0, 1), 3), at(Date.UTC(2030, 6, 1, 12, 34, 56), 4)]);
    expect(manifestHash(a)).toBe(manifestHash(b));
    expect(manifestHash(a)).toBe(server.relais.site.published?.hash);
  });

  it('lists every page the app serves, in every language, including each page the checker knows of', () => {
    const manifest = server.relais.site.published!.manifest;
    const paths = pagePaths(server.app.routes);
    expect(paths).toEqual(expect.arrayContaining([...KNOWN_PAGES]));
    for (const path of KNOWN_PAGES)
      for (const key of [path, `${path}?lang=fr`, `${path}?lang=en`]) expect(Object.keys(manifest.pages)).toContain(key);
    // The redirects (/console → /console/) are routes but not pages.
    expect(Object.keys(manifest.pages)).toHaveLength(KNOWN_PAGES.length * 3);
    expect(manifest.languages).toEqual(['fr', 'en']);
    expect(manifest.default_csp).toContain('worker-src blob:');
  });

  it('is canonical JSON whose hash names it, and the build manifest beside the assets is not served', async () => {
    const res = await fetch(`${server.url}/.well-known/relais/manifest`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
    expect((await fetch(`${server.url}/build.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/assets/../build.json`)).status).toBe(404);
  });
});

describe('the public site routes', () => {
  it('answers a path under /assets/ that the build does not list, the folder itself and a write to an asset with a stable 4xx, never a 500', async () => {
    for (const [method, path, status, code] of [
      ['GET', '/assets/x', 404, 'not_found'],
      ['GET', '/assets/', 404, 'not_found'],
      ['GET', '/assets', 404, 'not_found'],
      ['GET', '/assets/sub/', 404, 'not_found'],
      ['GET', '/assets/resident.js.map', 404, 'not_found'],
      ['POST', '/assets/resident.js', 404, 'not_found'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, { method, headers: { 'accept-encoding': 'gzip' } });
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(((await res.json()) as { error: string }).error, `${method} ${path}`).toBe(code);
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'");
    }
    const listed = await fetch(`${server.url}/assets/resident.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${server.url}/assets/resident.js`, { method: 'HEAD' })).status).toBe(200);
  });

  it.each([['/.well-known/relais/manifest?x=CANARY'], ['/.well-known/relais/deployments?start=CANARY'], ['/.well-known/relais/manifest?']])(
    'refuse any query (%s) with bad_query and no echo',
    async (path) => {
      const res = await fetch(`${server.url}${path}`);
      const text = await res.text();
      expect(res.status, path).toBe(path.endsWith('?') ? 200 : 400);
      if (res.status === 400) expect(JSON.parse(text).error).toBe('bad_query');
      expect(text).not.toContain('CANARY');
    },
  );

  it('answer other methods and other paths with a 4xx', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await fetch(`${server.url}/.well-known/relais/manifest`, { method, body: 'CANARY' });
      expect(res.status, method).toBe(404);
      expect(await res.text()).not.toContain('CANARY');
    }
    expect((await fetch(`${server.url}/.well-known/relais/CANARY`)).status).toBe(404);
  });

  it('prove every deployment into the signed tree, and a rewritten entry fails the proof', async () => {
    const logVerifier = parseVerifierKey(readFileSync(join(server.fixture.dir, 'keys', 'log.pub'), 'utf8').trim());
    const policy = { origin: logVerifier.name, logVerifier, cosigners: [], quorum: 0, maxAgeSeconds: 900 };
    const hash = server.relais.site.published!.hash;
    const good = await checkDeployments(fetch, server.url, policy, hash, Date.now());
    expect(good.problems).toEqual([]);
    expect(good.latest?.manifest).toBe(hash);
    // Someone with the database changes the deployed hash in the entry (the tree is left as it was).
    const idx = good.latest!.index;
    tamper(join(server.fixture.dir, 'relais.db'), (db) => {
      const row = db.prepare('SELECT entry FROM audit_entries WHERE idx = ?').get(idx) as { entry: string };
      db.prepare('UPDATE audit_entries SET entry = ? WHERE idx = ?').run(row.entry.replace(hash, '0'.repeat(64)), idx);
    });
    const bad = await checkDeployments(fetch, server.url, policy, hash, Date.now());
    expect(bad.problems.map((p) => p.message)).toContainEqual(expect.stringContaining(`entry ${idx} is not in the signed tree`));
  });
});
