// The served code, end to end (issues 12 and 14 item 1), as a city and an outside checker would
// see it: two copies of these sources in two different folders (as two fresh clones of the commit
// on two machines would be) build byte-identical web assets; one is compiled with `npm run build`
// and serves with no TypeScript tooling loaded at all; the other computes, from the same config,
// the very manifest the running server serves. `relais check-site` agrees with the server, the
// signed log and the rebuild, and names the path of every swap a hostile server can make: one
// changed byte in one asset on disk, one page changed for one client (in English and in Arabic:
// the site offers three languages), a quick exit that leads back to the site, and new code served
// with a consistent manifest that was never logged.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, toBase64 } from '../../src/core/bytes.ts';
import { generateCosignerKey } from '../../src/core/tlog/index.ts';
import { fileEntry, manifestText, normalizePage, parseSiteManifest } from '../../src/core/site-manifest.ts';
import { relais } from '../helpers/cli.ts';
import { freePort, makeFixture, type Fixture } from '../helpers/fixture.ts';
import { threeLanguages } from '../helpers/languages.ts';
import { copySources } from '../helpers/source-copy.ts';
import { type RunningCosigner, startCosigner, useCosigners } from '../log/cosigners.ts';
import { tempDir } from '../helpers/temp.ts';

const NO_TYPESCRIPT = fileURLToPath(new URL('../helpers/no-typescript.mjs', import.meta.url));
const work = tempDir('relais-site-');
// Two folders at different paths and depths, as on two machines.
const copyA = join(work, 'a');
const copyB = join(work, 'elsewhere', 'deeper', 'b');
let fx: Fixture;
let server: ChildProcess;
let serverOutput = '';
let logKey: string;
let cosigner: RunningCosigner;
/** check-site's trust in the log: the log key and the cosigner's key, quorum 1. */
const trust = () => ['--log-key', logKey, '--cosigner', cosigner.pubFile, '--quorum', '1'];

function run(dir: string, args: string[], nodeArgs: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(dir, 'bin', 'relais.js'), ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function filesUnder(dir: string): Record<string, Buffer> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return [path.slice(dir.length), readFileSync(path)];
      }),
  );
}

/**
 * A proxy to the server that lets `edit` change any answer, its headers included (`edit` may change
 * `headers` in place): a hostile server, as a client sees it.
 */
function hostileProxy(
  edit: (path: string, body: Buffer, headers: Record<string, string>) => Buffer,
): Promise<{ url: string; close(): Promise<void> }> {
  const proxy: Server = createServer(async (req, res) => {
    const upstream = await fetch(`${fx.origin}${req.url}`, { headers: { accept: req.headers.accept ?? '*/*' }, redirect: 'manual' });
    const headers = Object.fromEntries(
      [...upstream.headers].filter(
        ([k]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(k),
      ),
    );
    const body = edit(req.url ?? '/', Buffer.from(await upstream.arrayBuffer()), headers);
    res.writeHead(upstream.status, { ...headers, 'content-length': body.length });
    res.end(body);
  });
  return new Promise((resolve) =>
    proxy.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`,
        close: () => new Promise((r) => proxy.close(() => r())),
      }),
    ),
  );
}

async function checkSite(url: string, ...args: string[]) {
  const result = await relais(['check-site', url, ...args, '--json']);
  return {
    code: result.code,
    report: JSON.parse(result.stdout || '{}') as { ok: boolean; problems: { path: string; kind: string }[] },
    stderr: result.stderr,
  };
}

beforeAll(async () => {
  copySources(copyA);
  copySources(copyB);
  const [builtA, builtB] = await Promise.all([run(copyA, ['build']), run(copyB, ['build-web'])]);
  expect(builtA.code, builtA.stderr).toBe(0);
  expect(builtB.code, builtB.stderr).toBe(0);
  fx = await makeFixture({ patch: threeLanguages });
  logKey = join(fx.dir, 'keys', 'log.pub');
  // One real cosigner, which the server asks to cosign each checkpoint (issue 11).
  cosigner = await startCosigner(fx, 'cosigner.test/site');
  useCosigners(fx, [cosigner], 1);
  writeFileSync(join(fx.dir, 'server.secret'), `${toBase64(randomBytes(32))}\n`);
  writeFileSync(join(fx.dir, 'log.key'), `${fx.logSignerKey}\n`);
  const args = ['serve', '--config', fx.configPath, '--db', join(fx.dir, 'relais.db'), '--secret-file', join(fx.dir, 'server.secret')];
  server = spawn(
    process.execPath,
    [
      '--import',
      NO_TYPESCRIPT,
      join(copyA, 'bin', 'relais.js'),
      ...args,
      '--log-key-file',
      join(fx.dir, 'log.key'),
      '--port',
      String(fx.port),
    ],
    { cwd: copyA, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const seen = (d: Buffer) => {
      serverOutput += d;
      if (serverOutput.includes('Relais is listening')) resolve();
    };
    server.stdout?.on('data', seen);
    server.stderr?.on('data', seen);
    server.once('exit', (code) => reject(new Error(`the server exited (${code}): ${serverOutput}`)));
  });
  // The checkpoint that holds the start's site.deployed carries the cosigner's line.
  for (let tries = 0; !(await (await fetch(`${fx.origin}/api/v1/log/checkpoint`)).text()).includes('— cosigner.test/site '); tries++) {
    if (tries > 100) throw new Error('the checkpoint was never cosigned');
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  await cosigner?.stop();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

describe('the compiled build', () => {
  it('builds byte-identical web assets and build manifest in two folders', () => {
    const a = filesUnder(join(copyA, 'web', 'dist'));
    const b = filesUnder(join(copyB, 'web', 'dist'));
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(Object.keys(a)).toContain('/build.json');
    for (const [path, bytes] of Object.entries(a)) expect(bytes.equals(b[path] as Buffer), path).toBe(true);
  });

  it('serves with no TypeScript tooling loaded, and says it in one line when the web assets do not match', async () => {
    expect(serverOutput).toContain('Relais is listening');
    expect((await fetch(`${fx.origin}/`)).status).toBe(200);
    const help = await run(copyA, ['--help'], ['--import', NO_TYPESCRIPT]);
    expect(help.code, help.stderr).toBe(0);
    // The guard bites: copy B has no dist/, so its relais needs tsx, which the guard refuses, and
    // it says what a production install without the development dependencies would say.
    const sources = await run(copyB, ['--help'], ['--import', NO_TYPESCRIPT]);
    expect(sources.code).toBe(1);
    expect(sources.stderr).toContain('tsx is not installed: run `npm run build`');
    const asset = join(copyB, 'web', 'dist', 'assets', 'app.css');
    const original = readFileSync(asset);
    writeFileSync(asset, Buffer.concat([original, Buffer.from(' ')]));
    try {
      const refused = await run(copyB, ['site-manifest', '--config', fx.configPath]);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([
        `error: the web asset ${asset} does not match ${join(copyB, 'web', 'dist', 'build.json')}: run \`npm run build\``,
      ]);
    } finally {
      writeFileSync(asset, original);
    }
  });

  it('computes in another folder, from the same config, the manifest the running server serves, byte for byte', async () => {
    const served = await (await fetch(`${fx.origin}/.well-known/relais/manifest`)).text();
    const local = await run(copyB, ['site-manifest', '--config', fx.configPath]);
    expect(local.code, local.stderr).toBe(0);
    expect(local.stdout).toBe(served);
    const manifest = parseSiteManifest(served);
    expect(Object.keys(manifest.pages)).toEqual(
      expect.arrayContaining(['/', '/?lang=fr', '/suivi?lang=en', '/temoigner?lang=en', '/console/', '/audit/?lang=fr']),
    );
  });
});

describe('relais check-site', () => {
  it('agrees with the site, the signed log and a rebuild from the sources with the config', async () => {
    const { code, report, stderr } = await checkSite(fx.origin, ...trust(), '--source', copyB, '--config', fx.configPath);
    expect({ code, problems: report.problems }, stderr).toEqual({ code: 0, problems: [] });
    expect(report.ok).toBe(true);
  });

  it('names the asset when one byte of it changes on disk under the running server', async () => {
    const asset = join(copyA, 'web', 'dist', 'assets', 'resident-worker.js');
    const original = readFileSync(asset);
    const changed = Buffer.from(original);
    changed[1000] = changed[1000] === 0x61 ? 0x62 : 0x61;
    writeFileSync(asset, changed);
    try {
      const { code, report } = await checkSite(fx.origin, ...trust());
      expect(code).toBe(3);
      expect(report.problems).toEqual([expect.objectContaining({ path: '/assets/resident-worker.js', kind: 'changed' })]);
    } finally {
      writeFileSync(asset, original);
    }
  });

  it('names the page when one client is served another page, in English or in Arabic', async () => {
    const proxy = await hostileProxy((path, body) =>
      path === '/suivi?lang=en' || path === '/temoigner?lang=ar'
        ? Buffer.from(body.toString().replace('</head>', '<script type="module" src="/assets/x.js"></script></head>'))
        : body,
    );
    try {
      const { code, report } = await checkSite(proxy.url, ...trust());
      expect(code).toBe(3);
      expect(report.problems.map((p) => `${p.kind} ${p.path}`).sort()).toEqual([
        'changed /suivi?lang=en',
        'changed /temoigner?lang=ar',
        'reference /suivi?lang=en',
        'reference /temoigner?lang=ar',
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('names the quick exit when it leads back to the site, or when it no longer clears the site data', async () => {
    const direct = await fetch(`${fx.origin}/sortie`, { redirect: 'manual' });
    expect([direct.status, direct.headers.get('location')]).toEqual([303, 'https://meteofrance.com/']);
    for (const [change, message] of [
      [(h: Record<string, string>) => (h.location = '/?lang=ar'), 'not off the site'],
      [(h: Record<string, string>) => delete h['clear-site-data'], 'clear-site-data'],
    ] as const) {
      const proxy = await hostileProxy((path, body, headers) => {
        if (path === '/sortie') change(headers);
        return body;
      });
      try {
        const { code, report } = await checkSite(proxy.url, ...trust());
        expect(code).toBe(3);
        expect(report.problems).toEqual([expect.objectContaining({ path: '/sortie', message: expect.stringContaining(message) })]);
      } finally {
        await proxy.close();
      }
    }
  });

  it('catches new code served with a consistent manifest but no site.deployed entry', async () => {
    // The hostile server swaps the stylesheet and makes everything agree with the swap: pages name
    // the new file's hash, the manifest lists the new file and the new pages. Only the log is left.
    const original = readFileSync(join(copyA, 'web', 'dist', 'assets', 'app.css'));
    const swapped = Buffer.concat([original, Buffer.from('body{background:#fff}')]);
    const manifest = parseSiteManifest(await (await fetch(`${fx.origin}/.well-known/relais/manifest`)).text());
    const before = manifest.files['/assets/app.css']!.sha256;
    const after = fileEntry(swapped);
    const swapPage = (text: string) => text.replaceAll(before, after.sha256);
    manifest.files['/assets/app.css'] = after;
    for (const path of Object.keys(manifest.pages)) {
      const page = await (await fetch(new URL(path, fx.origin))).text();
      manifest.pages[path] = fileEntry(new TextEncoder().encode(normalizePage(swapPage(page))));
    }
    const proxy = await hostileProxy((path, body) => {
      if (path === '/assets/app.css') return swapped;
      if (path === '/.well-known/relais/manifest') return Buffer.from(manifestText(manifest));
      return path in manifest.pages ? Buffer.from(swapPage(body.toString())) : body;
    });
    try {
      const unlogged = await checkSite(proxy.url, '--no-log');
      expect({ code: unlogged.code, problems: unlogged.report.problems }).toEqual({ code: 0, problems: [] });
      const { code, report } = await checkSite(proxy.url, ...trust());
      expect(code).toBe(3);
      expect(report.problems).toEqual([expect.objectContaining({ path: '/.well-known/relais/deployments', kind: 'log' })]);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a log not cosigned by the cosigner it trusts, as a log shown to this checker alone would be', async () => {
    const other = generateCosignerKey('other-cosigner.test/site');
    const otherPub = join(work, 'other-cosigner.pub');
    writeFileSync(otherPub, `${other.verifierKey}\n`);
    const { code, report } = await checkSite(fx.origin, '--log-key', logKey, '--cosigner', otherPub, '--quorum', '1');
    expect(code).toBe(3);
    expect(report.problems).toEqual([
      expect.objectContaining({ path: '/.well-known/relais/deployments', kind: 'log', message: expect.stringContaining('quorum') }),
    ]);
  });

  it('refuses to run without a log key or an explicit --no-log', async () => {
    const result = await relais(['check-site', fx.origin]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--log-key');
  });
});

describe('npm start from a fresh copy', () => {
  it('makes the demo, builds the web assets and serves them, with no build step first', async () => {
    // Copy B has never been compiled (no dist/): bin/relais.js runs the sources through tsx.
    const port = await freePort();
    const demo = spawn(process.execPath, [join(copyB, 'bin', 'relais.js'), 'demo', '--dir', join(work, 'demo'), '--port', String(port)], {
      cwd: copyB,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    try {
      await new Promise<void>((resolve, reject) => {
        demo.stderr?.on('data', (d) => {
          said += d;
          if (said.includes('NOT FOR REAL REPORTS') && said.includes('Resident form')) resolve();
        });
        demo.once('exit', (code) => reject(new Error(`the demo exited (${code}): ${said}`)));
      });
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      const script = (await page.text()).match(/<script type="module" src="(\/assets\/resident\.js)" integrity="([^"]+)"/);
      expect(script).not.toBeNull();
      expect((await fetch(`http://127.0.0.1:${port}${script![1]}`)).status).toBe(200);
    } finally {
      if (demo.exitCode === null && demo.signalCode === null) {
        const exited = new Promise((r) => demo.once('exit', r));
        demo.kill('SIGTERM');
        await exited;
      }
    }
  });
});
