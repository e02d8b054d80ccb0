// The served code in real Chromium (issue 12): a hostile server that swaps one file — the page
// script, the crypto worker, or the strippers the worker loads later — gets nothing of it run.
// Each swapped file carries extra code that would call the server if it ever ran; that call never
// comes, nothing is sealed or sent, and the resident is told. And every page, in each language,
// still loads nothing from another origin, names each script and stylesheet with its integrity
// hash, passes axe, fits 320 px, and offers its form without JavaScript.
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { launchChromium } from '../helpers/browser.ts';
import { CORPUS_DIR } from '../helpers/corpus.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHOTO = readFileSync(`${CORPUS_DIR}/exif-samples-DSCN0010.jpg`);

let server: TestServer;
let browser: Browser;
let origin = '';
let proxy: Server;
/** served path → the bytes the hostile server sends instead */
const swaps = new Map<string, Buffer>();
/** every path asked of the proxy, in order */
const asked: string[] = [];

/** The file as built, with code appended that would ask the server for `/ran/<name>` if it ran. */
function tampered(name: string): Buffer {
  const built = readFileSync(new URL(`../../web/dist/assets/${name}`, import.meta.url));
  return Buffer.concat([built, Buffer.from(`;fetch(self.location.origin+"/ran/${name}");`)]);
}

function startHostileProxy(target: string, port: number): Promise<Server> {
  const to = new URL(target);
  const s = createServer((req, res) => {
    asked.push(req.url ?? '');
    const swap = swaps.get((req.url ?? '').split('?')[0] ?? '');
    const upstream = httpRequest(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host, 'accept-encoding': 'identity' },
      },
      (up) => {
        if (!swap) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        up.resume();
        res.writeHead(200, { ...up.headers, 'content-length': swap.length });
        res.end(swap);
      },
    );
    req.pipe(upstream);
  });
  return new Promise((resolve) => s.listen(port, '127.0.0.1', () => resolve(s)));
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    (
      window as unknown as {
        axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }),
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function fillReport(page: Page): Promise<void> {
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.check('input[name="category"][value="trafic"]');
  await page.fill('#what', 'Guetteurs devant le hall B');
}

beforeAll(async () => {
  const fx = await makeFixture();
  server = await startTestServer(fx, { port: await freePort() });
  proxy = await startHostileProxy(server.url, fx.port);
  origin = fx.origin;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => proxy?.close(r));
  await server?.close();
});

describe('a swapped file in the browser', () => {
  it('starts the honest crypto worker from a blob: URL of the bytes it checked, and the report goes out', async () => {
    swaps.clear();
    const page = await browser.newPage();
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    await fillReport(page);
    await page.click('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    expect(workers).toEqual([expect.stringMatching(/^blob:/)]);
    await page.close();
  });

  it('never runs a crypto worker that differs from its hash: nothing is sealed or sent, and the resident is told', async () => {
    swaps.clear();
    swaps.set('/assets/resident-worker.js', tampered('resident-worker.js'));
    const page = await browser.newPage();
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    const from = asked.length;
    await fillReport(page);
    await page.click('#send');
    await expect.poll(() => page.textContent('#form-errors')).toContain('ne correspond pas au code publié');
    const after = asked.slice(from);
    expect(after).toContain('/assets/resident-worker.js');
    expect(after.filter((p) => p.startsWith('/ran/') || p.startsWith('/api/v1/reports') || p.startsWith('/api/v1/challenges'))).toEqual([]);
    expect(workers).toEqual([]);
    await page.close();
  });

  it('never runs strippers that differ from the hash the worker carries: the file is refused and nothing runs', async () => {
    swaps.clear();
    swaps.set('/assets/strip.js', tampered('strip.js'));
    const page = await browser.newPage();
    const from = asked.length;
    await fillReport(page);
    await page.setInputFiles('#files', [{ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: PHOTO }]);
    await expect.poll(() => page.textContent('main')).toContain('ne correspond pas au code publié');
    expect(await page.locator('.file-ready').count()).toBe(0);
    const after = asked.slice(from);
    expect(after).toContain('/assets/strip.js');
    expect(after.filter((p) => p.startsWith('/ran/'))).toEqual([]);
    await page.close();
  });

  it('never runs a page script that differs from the integrity hash in the page: the form stays unsendable', async () => {
    swaps.clear();
    swaps.set('/assets/resident.js', tampered('resident.js'));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => errors.push(m.text()));
    const from = asked.length;
    await page.goto(`${origin}/`);
    await expect.poll(() => errors.join('\n')).toMatch(/integrity/i);
    expect(await page.getAttribute('body', 'data-ready')).toBeNull();
    expect(await page.isDisabled('#send')).toBe(true);
    expect(asked.slice(from).filter((p) => p.startsWith('/ran/'))).toEqual([]);
    await page.close();
  });
});

describe('every page, in each language', () => {
  const RESIDENT = ['/', '/suivi', '/temoigner'];
  const STAFF = ['/console/', '/audit/'];

  it('loads only files of its own origin, each script and stylesheet with its integrity hash', async () => {
    swaps.clear();
    for (const path of [...RESIDENT, ...STAFF]) {
      for (const lang of ['fr', 'en']) {
        const page = await browser.newPage();
        const urls: string[] = [];
        page.on('request', (r) => urls.push(r.url()));
        await page.goto(`${origin}${path}?lang=${lang}`);
        await page.waitForLoadState('networkidle');
        expect(
          urls.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:')),
          path,
        ).toEqual([]);
        const tags = await page.$$eval('script[src], link[rel="stylesheet"]', (els) =>
          els.map((e) => ({ ref: e.getAttribute('src') ?? e.getAttribute('href'), integrity: e.getAttribute('integrity') })),
        );
        expect(tags.length, path).toBeGreaterThanOrEqual(2);
        for (const tag of tags) expect(tag.integrity, `${path} ${tag.ref}`).toBe(server.relais.site.integrity[tag.ref ?? '']);
        await page.close();
      }
    }
  });

  it('passes axe and fits 320 px', async () => {
    const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
    for (const path of RESIDENT) {
      for (const lang of ['fr', 'en']) {
        await page.goto(`${origin}${path}?lang=${lang}`);
        await page.waitForSelector('body[data-ready="true"]');
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} ${lang}`).toBeLessThanOrEqual(320);
        expect(await axeViolations(page), `${path} ${lang}`).toEqual([]);
      }
    }
    await page.close();
  });

  it('offers its form without JavaScript, posting to the no-JS handler', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const path of RESIDENT) {
      for (const lang of ['fr', 'en']) {
        await page.goto(`${origin}${path}?lang=${lang}`);
        const form = page.locator('form[action^="/nojs/"]').first();
        expect(await form.count(), `${path} ${lang}`).toBe(1);
        expect(await form.locator('button[type="submit"]:not([disabled])').isVisible(), `${path} ${lang}`).toBe(true);
      }
    }
    await context.close();
  });
});
