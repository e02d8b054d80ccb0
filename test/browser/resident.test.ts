// The resident's pages in real Chromium, through a proxy that records every byte sent: the form
// seals in the browser (nothing typed leaves the page in clear), officers read the report with
// `relais pull` and GnuPG, replies come back on the follow-up page, the pages pass axe, carry the
// strict headers, and the no-JavaScript path works with the server sealing (the three languages at
// 320 px, axe on every page and the receipt's guard are in resident-drills.test.ts).
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relais } from '../helpers/cli.ts';
import { freePort, makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';
import { fragments, launchChromium, startCaptureProxy, type CaptureProxy } from '../helpers/browser.ts';
import { tempDir } from '../helpers/temp.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const work = tempDir('relais-browser-');
const TYPED = {
  what: 'Xylophone quartz: trois guetteurs à capuche vendent devant le hall',
  where: 'Parvis Zéphyrin-Quibble, escalier nord',
  when: 'Chaque soir vers 21h45 depuis Brumaire',
};

let server: TestServer;
let proxy: CaptureProxy;
let browser: Browser;
let receipt = '';
let ref = '';
const gpg = new Gpg();
const keyFile = join(work, 'officer-a.key.asc');
const passFile = join(work, 'pass');

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

async function pull(args: string[] = []): Promise<string> {
  const out = mkdtempSync(join(work, 'pull-'));
  const res = await relais([
    'pull',
    '--server',
    server.fixture.origin,
    '--key',
    keyFile,
    '--passphrase-file',
    passFile,
    '--out',
    out,
    '--all',
    ...args,
  ]);
  expect(res.code, res.stderr).toBe(0);
  return out;
}

beforeAll(async () => {
  const fx = await makeFixture();
  server = await startTestServer(fx, { port: await freePort() });
  proxy = await startCaptureProxy(server.url, fx.port);
  browser = await launchChromium();
  const k = fx.keys['officer-a']!;
  writeFileSync(keyFile, k.privateKey);
  writeFileSync(passFile, k.passphrase);
  gpg.importKey(k.privateKey);
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

describe('the report form, with JavaScript', () => {
  it('loads no cryptography until the resident starts writing', async () => {
    const page = await browser.newPage();
    const first = proxy.exchanges.length;
    const loaded = () => proxy.exchanges.slice(first).map((e) => e.path);
    await page.goto(`${proxy.url}/`);
    await page.waitForLoadState('networkidle');
    expect(loaded()).toContain('/assets/resident.js');
    // Only the small page script and its shared chunk: no worker, no OpenPGP.js, no config yet.
    expect(loaded().filter((p) => p.includes('worker') || p.includes('openpgp') || p.startsWith('/api/'))).toEqual([]);
    await page.focus('#what');
    await expect.poll(loaded).toContain('/assets/resident-worker.js');
    await page.close();
  });

  it('cannot be sent before its script has taken it over, not even with Enter', async () => {
    const page = await browser.newPage();
    // Hold the page script back, as a slow connection would.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/assets/resident.js', async (route) => {
      await held;
      await route.continue();
    });
    const first = proxy.exchanges.length;
    // A module script holds back DOMContentLoaded, so only wait for the form to be there.
    await page.goto(`${proxy.url}/`, { waitUntil: 'commit' });
    await page.waitForSelector('#where');
    await page.check('input[name="category"][value="armes"]');
    await page.fill('#where', 'CANARY-EARLY-ENTER');
    await page.press('#where', 'Enter');
    expect(await page.isDisabled('#send')).toBe(true);
    await page.waitForTimeout(300);
    expect(proxy.exchanges.slice(first).filter((e) => e.method === 'POST')).toEqual([]);
    release();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.isEnabled('#send')).toBe(true);
    await page.close();
  });

  it('tells the resident what is missing, ties each error to its field and moves focus there', async () => {
    const page = await browser.newPage();
    await page.goto(`${proxy.url}/`);
    await page.waitForSelector('body[data-ready="true"]'); // the page script has run
    await page.click('#send');
    await expect.poll(() => page.isVisible('#form-errors')).toBe(true);
    expect(await page.textContent('#category-error')).toBe('Choisissez de quoi il s’agit.');
    expect(await page.textContent('#what-error')).toBe('Décrivez ce qui se passe.');
    expect(await page.getAttribute('#what', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#what', 'aria-describedby')).toContain('what-error');
    // The summary takes the focus; its first link takes it to the category choice.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('form-errors');
    await page.click('#form-errors a');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('category');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('seals the report in the browser: no request carries any fragment of what was typed, and gpg decrypts what the officer pulls', async () => {
    const page = await browser.newPage();
    await page.goto(`${proxy.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    const first = proxy.exchanges.length;
    expect(await axeViolations(page)).toEqual([]);
    await page.check('input[name="category"][value="trafic"]');
    await page.fill('#what', TYPED.what);
    await page.fill('#where', TYPED.where);
    await page.fill('#when', TYPED.when);
    await page.click('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    receipt = (await page.textContent('#receipt-code')) ?? '';
    ref = ((await page.textContent('#receipt-ref')) ?? '').replace('Référence : ', '');
    expect(receipt).toMatch(/^\d{4}(-\d{4}){4}$/);
    expect(ref).toMatch(/^R-/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('receipt-key');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();

    const sent = proxy.exchanges.slice(first).filter((e) => e.body.length > 0);
    expect(sent.map((e) => `${e.method} ${e.path}`)).toEqual(expect.arrayContaining(['POST /api/v1/challenges', 'POST /api/v1/reports']));
    const report = sent.find((e) => e.path === '/api/v1/reports')!;
    expect(report.status).toBe(201);
    for (const field of Object.values(TYPED)) {
      for (const fragment of fragments(field)) {
        for (const e of proxy.exchanges.slice(first)) {
          for (const form of [fragment, Buffer.from(encodeURIComponent(fragment.toString('utf8')))]) {
            expect(e.body.includes(form), `"${fragment.toString('utf8')}" in ${e.method} ${e.path}`).toBe(false);
          }
          expect(e.path.includes(encodeURIComponent(fragment.toString('utf8')))).toBe(false);
        }
      }
    }

    const out = await pull(['--sealed']);
    const clear = gpg.decrypt(readFileSync(join(out, ref, 'report.gpg')), 'correct horse battery staple').toString('utf8');
    expect(clear).toContain(TYPED.what);
    expect(clear).toContain(TYPED.where);
    expect(clear).toContain('Catégorie : Point de deal');
  });

  it('answers every resident request with the strict headers and no cookie', () => {
    expect(proxy.exchanges.length).toBeGreaterThan(8);
    for (const e of proxy.exchanges) {
      const h = e.responseHeaders;
      const where = `${e.method} ${e.path}`;
      expect(h['cache-control'], where).toBe('no-store');
      expect(h['referrer-policy'], where).toBe('no-referrer');
      expect(h['content-security-policy'], where).toMatch(
        /default-src 'none'.*script-src 'self'.*form-action 'self'.*frame-ancestors 'none'/,
      );
      expect(h['content-security-policy'], where).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(h['cross-origin-opener-policy'], where).toBe('same-origin');
      expect(h['cross-origin-resource-policy'], where).toBe('same-origin');
      expect(h['permissions-policy'], where).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
      expect(h['x-content-type-options'], where).toBe('nosniff');
      expect(h['set-cookie'], where).toBeUndefined();
    }
  });
});

describe('the follow-up page', () => {
  it('shows an officer’s reply and status sent with relais reply, and carries the resident’s answer back to the officer', async () => {
    expect(receipt).not.toBe('');
    const replied = await relais([
      'reply',
      '--server',
      server.fixture.origin,
      '--key',
      keyFile,
      '--passphrase-file',
      passFile,
      '--ref',
      ref,
      '--status',
      'in-progress',
      '--text',
      'Merci. Pouvez-vous préciser l’heure ?',
    ]);
    expect(replied.code, replied.stderr).toBe(0);

    const page = await browser.newPage();
    await page.goto(`${proxy.url}/suivi`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await axeViolations(page)).toEqual([]);
    const first = proxy.exchanges.length;
    await page.fill('#receipt-input', receipt.replace(/-/g, ' '));
    await page.click('#followup-form button[type="submit"]');
    await page.waitForSelector('#conversation:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#conversation-status')).toBe('État : en cours de traitement');
    expect(await page.textContent('#messages')).toContain('Merci. Pouvez-vous préciser l’heure ?');
    expect(await page.textContent('#messages')).toContain('Nouvel état : en cours de traitement');
    expect(await page.inputValue('#receipt-input').catch(() => '')).toBe('');
    expect(await axeViolations(page)).toEqual([]);

    const answer = 'Vers vingt-deux heures trente, Quibble-Zorn';
    await page.fill('#message-text', answer);
    await page.click('#message-form button[type="submit"]');
    await expect.poll(() => page.textContent('#message-status')).toBe('Message envoyé.');
    expect(await page.textContent('#messages')).toContain(answer);
    // Nothing was kept in the browser's storage: no report content, no receipt, no key.
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookies: document.cookie,
      databases: (await indexedDB.databases()).length,
      caches: 'caches' in self ? (await caches.keys()).length : 0,
      serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
    }));
    expect(stored).toEqual({ local: 0, session: 0, cookies: '', databases: 0, caches: 0, serviceWorkers: 0 });
    await page.close();

    // Neither the receipt nor the answer crossed the network in clear; the receipt is not in a URL.
    const digits = receipt.replace(/-/g, '');
    for (const e of proxy.exchanges.slice(first)) {
      expect(e.body.includes(digits) || e.body.includes(receipt) || e.path.includes(digits)).toBe(false);
      for (const fragment of fragments(answer)) expect(e.body.includes(fragment)).toBe(false);
    }
    const out = await pull();
    const folder = join(out, ref, 'messages');
    const texts = readdirSync(folder)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => readFileSync(join(folder, f), 'utf8'));
    expect(texts).toContain(answer);
  });

  it('answers a wrong receipt with a message tied to the field', async () => {
    const page = await browser.newPage();
    await page.goto(`${proxy.url}/suivi`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#receipt-input', '1234');
    await page.click('#followup-form button[type="submit"]');
    await expect.poll(() => page.textContent('#receipt-error')).toBe('Un reçu comporte exactement 20 chiffres.');
    await page.fill('#receipt-input', '0000-0000-0000-0000-0001');
    await page.click('#followup-form button[type="submit"]');
    await expect
      .poll(() => page.textContent('#receipt-error'), { timeout: 30_000 })
      .toBe('Aucun signalement ne correspond à ce reçu. Vérifiez les chiffres.');
    expect(await page.getAttribute('#receipt-input', 'aria-invalid')).toBe('true');
    await page.close();
  });
});

describe('the pages on any phone and any browser', () => {
  it('replaces the page with a neutral site on quick exit', async () => {
    const page = await browser.newPage();
    await page.route('https://meteofrance.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<title>Météo</title>' }),
    );
    await page.goto(`${proxy.url}/`);
    await page.fill('#what', 'brouillon');
    await page.click('#quick-exit');
    await page.waitForURL('https://meteofrance.com/**');
    expect(await page.title()).toBe('Météo');
    // location.replace: "back" does not lead to the form (only to the blank page the tab began on)
    await page.goBack();
    expect(page.url()).not.toContain(proxy.url);
    await page.close();
  });
});

describe('without JavaScript', () => {
  it('says the server seals the report, files it, and gives a receipt that opens the conversation', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${proxy.url}/`);
    expect(await page.isVisible('#nojs-notice')).toBe(true);
    expect(await page.textContent('#nojs-notice')).toContain('c’est donc le serveur qui chiffre votre signalement');
    expect(await page.isVisible('#sealed-here')).toBe(false);
    await page.check('input[name="category"][value="armes"]');
    await page.fill('#what', 'Un fusil sous le siège de la voiture grise, sans JavaScript');
    await page.waitForTimeout(3200); // a no-JS form token is good only after 3 s
    expect(await page.isVisible('#send')).toBe(false); // the JavaScript button stays hidden
    await page.click('#report-form button[type="submit"]:not([disabled])');
    await page.waitForSelector('.receipt-code');
    const noJsReceipt = (await page.textContent('.receipt-code'))!.trim();
    expect(noJsReceipt).toMatch(/^\d{4}(-\d{4}){4}$/);
    expect(await page.textContent('.receipt')).toContain('le serveur qui a chiffré votre signalement');

    const out = await pull();
    const folders = readdirSync(out).filter((d) => d !== ref);
    const texts = folders.map((d) => readFileSync(join(out, d, 'report.txt'), 'utf8'));
    expect(texts.some((t) => t.includes('Un fusil sous le siège de la voiture grise'))).toBe(true);

    await page.goto(`${proxy.url}/suivi`);
    await page.waitForTimeout(3200);
    await page.fill('#receipt-input', noJsReceipt);
    await page.click('#followup-form button[type="submit"]');
    await page.waitForSelector('.conversation');
    expect(await page.textContent('.status')).toBe('État : reçu, pas encore traité');
    await context.close();
  });
});
