// A witness request in real Chromium, start to finish (issue 7), through a proxy that records
// every byte sent: the resident files it from /temoigner (nothing typed leaves the page in clear;
// the receipt shows the W- number), custodian D reads the identity in the console and asks for a
// disclosure to the police inbox, custodian E reviews and approves it, and an investigator of that
// inbox decrypts it on the report view. axe finds nothing on any of these pages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { fragments, launchChromium, startCaptureProxy, type CaptureProxy } from '../helpers/browser.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TYPED = {
  what: 'Xénophon Quarz a caché la marchandise dans la gaine technique du 4e',
  name: 'Wilhelmine Pocahontas-Quéméneur',
  contact: 'Par Ingrid, ma voisine du dessus, jamais par téléphone',
};
let server: TestServer;
let proxy: CaptureProxy;
let browser: Browser;
let number = '';

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    (
      window as unknown as {
        axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }),
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function staffConsole(who: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${proxy.url}/console/`);
  await page.waitForSelector('body[data-ready="true"]');
  const k = server.fixture.keys[who]!;
  await page.fill('#key-text', k.privateKey);
  await page.fill('#passphrase', k.passphrase);
  await page.click('#login-form button[type="submit"]');
  return page;
}

beforeAll(async () => {
  const fx = await makeFixture();
  server = await startTestServer(fx, { port: await freePort() });
  proxy = await startCaptureProxy(server.url, fx.port);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

describe('a witness request from the browser to the investigators', () => {
  it('is filed from the home page’s link, each error tied to its field, sealed in the page, with the W- number on the receipt', async () => {
    const page = await browser.newPage();
    await page.goto(`${proxy.url}/`);
    await page.click('a.witness-link');
    await page.waitForSelector('body[data-ready="true"]');
    expect(new URL(page.url()).pathname).toBe('/temoigner');
    expect(await axeViolations(page)).toEqual([]);
    await page.fill('#what', TYPED.what);
    await page.click('#send');
    await expect.poll(() => page.isVisible('#form-errors')).toBe(true);
    expect(await page.textContent('#name-error')).toBe('Indiquez votre nom : seuls les gardiens des témoins le liront.');
    expect(await page.getAttribute('#contact', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('form-errors');
    expect(await axeViolations(page)).toEqual([]);
    const first = proxy.exchanges.length;
    await page.fill('#name', TYPED.name);
    await page.fill('#contact', TYPED.contact);
    await page.check('input[name="wish"][value="anonymous"]');
    await page.click('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    number = ((await page.textContent('#receipt-number')) ?? '').replace('Votre numéro de témoin : ', '');
    expect(number).toMatch(/^W-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await page.textContent('#receipt-code')).toMatch(/^\d{4}(-\d{4}){4}$/);
    expect(await axeViolations(page)).toEqual([]);
    const sent = proxy.exchanges.slice(first);
    expect(sent.some((e) => e.method === 'POST' && e.path === '/api/v1/reports' && e.status === 201)).toBe(true);
    for (const text of Object.values(TYPED)) {
      for (const fragment of fragments(text))
        expect(sent.some((e) => e.body.includes(fragment) || e.path.includes(fragment.toString()))).toBe(false);
    }
    await page.close();
  });

  it('lets custodian D read the identity in the console and ask for a disclosure to the police inbox', async () => {
    const page = await staffConsole('custodian-d');
    await page.waitForSelector(`button[data-witness="${number}"]`);
    expect(await axeViolations(page)).toEqual([]);
    await page.click(`button[data-witness="${number}"]`);
    await page.waitForSelector('#identity-text');
    expect(await page.textContent('#identity-text')).toContain(TYPED.name);
    expect(await page.textContent('#identity-text')).toContain('Statut souhaité : Être témoin anonyme');
    await page.click('#request-form button[type="submit"]');
    await expect.poll(() => page.isVisible('#request-error')).toBe(true);
    await page.fill('#request-basis', 'art. 706-60 du code de procédure pénale');
    await page.fill('#request-decision', 'Ordonnance du JLD de Marseille n° 2026/118');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('#request-form button[type="submit"]');
    await page.waitForSelector('#disclosure-history li.disclosure.pending');
    await page.close();
  });

  it('lets custodian E review exactly what will be disclosed and approve it', async () => {
    const page = await staffConsole('custodian-e');
    await page.waitForSelector('#pending-table button[data-disclosure]');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('#pending-table button[data-disclosure]');
    await page.waitForSelector('#review-check');
    expect(await page.textContent('#review-check')).toContain('Vérifié');
    expect(await page.textContent('#review-decision')).toContain('2026/118');
    expect(await page.textContent('#review-identity')).toContain(TYPED.contact);
    expect(await axeViolations(page)).toEqual([]);
    await page.click('#approve');
    await page.waitForSelector('#withdraw');
    await page.close();
  });

  it('shows the investigator the witness by number and decrypts the approved identity on the report view', async () => {
    const page = await staffConsole('officer-a');
    await page.waitForSelector('#reports');
    const ref = (await server.relais.store.witnesses.refOf(number)) as string;
    await page.click(`button[data-ref="${ref}"]`);
    await page.waitForSelector('#witness-panel');
    expect(await page.textContent('#witness-panel h2')).toBe(`Témoin ${number}`);
    expect(await page.textContent('#report-title ~ section.panel .plain')).toContain(TYPED.what);
    expect(await page.content()).not.toContain(TYPED.name);
    await page.click('button[data-open-disclosure]');
    await page.waitForSelector('#witness-panel .plain.identity');
    expect(await page.textContent('#witness-panel .plain.identity')).toContain(TYPED.name);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
    const city = await staffConsole('city-c');
    await city.waitForSelector('#reports, #reports-empty');
    expect(await city.content()).not.toContain(number);
    await city.close();
  });
});
