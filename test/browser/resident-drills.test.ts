// The resident pages as a resident on a 320 × 640 phone meets them, in French, English and Arabic,
// with and without JavaScript, in real Chromium through a proxy that records every byte sent
// (issue 17): axe finds nothing on any page (forms, error summary, receipts, conversation,
// refusal), every touch target is 44 px or more, nothing is wider than the screen, Arabic is laid
// out right to left; the first screen says what the page is for, the emergency numbers and starts
// the form; the receipt cannot be lost by a tap (every link is tried before confirming), and what
// the focus lands on is below the sticky header; the language changes without losing what was
// typed, and with JavaScript without sending it; the no-JS pages never claim the text is sealed in
// the browser and say what the server sees and for how long; the quick exit clears the site's
// data and leaves no way back. One server, one browser and two contexts for the whole file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUES } from '../../web/i18n/index.ts';
import { SEALED_HERE } from '../../web/i18n/sealed-here.ts';
import { CORPUS_DIR } from '../helpers/corpus.ts';
import { fragments, launchChromium, startCaptureProxy, type CaptureProxy } from '../helpers/browser.ts';
import { freePort, makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { ARABIC, threeLanguages } from '../helpers/languages.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHOTO = readFileSync(join(CORPUS_DIR, 'exif-samples-DSCN0010.jpg'));
const LANGS = ['fr', 'en', 'ar'] as const;
type Lang = (typeof LANGS)[number];
const PHONE = { width: 320, height: 640 };
const NEUTRAL = 'https://meteofrance.com/';
const t = (lang: Lang, key: keyof (typeof CATALOGUES)['fr']) => CATALOGUES[lang]![key];
/** How each language says, on the no-JS pages, how long the server sees the text in clear. */
const FOR_HOW_LONG: Record<Lang, RegExp> = { fr: /quelques secondes/, en: /a few seconds/, ar: /بضع ثوانٍ/ };
const IN_CLEAR: Record<Lang, RegExp> = { fr: /en clair/, en: /in clear/, ar: /بوضوح/ };
/** Any claim that the text is sealed on the device, in any language. */
const ON_DEVICE = /sur (cet|votre) appareil avant|on (this|your) device before|على هذا الجهاز قبل/;

let server: TestServer;
let proxy: CaptureProxy;
let browser: Browser;
let withJs: BrowserContext;
let withoutJs: BrowserContext;
/** Added to the server's clock before each no-JS post: a form token is good only 3 s after the page. */
let skew = 0;
const receipts: Partial<Record<Lang, string>> = {};
const noJsReceipts: Partial<Record<Lang, string>> = {};

async function open(js: boolean, path: string): Promise<Page> {
  const page = await (js ? withJs : withoutJs).newPage();
  page.setDefaultTimeout(15_000);
  await page.route(`${NEUTRAL}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<title>Météo</title>' }),
  );
  await page.goto(`${proxy.url}${path}`);
  if (js) await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/**
 * axe's findings on `page`. A page without JavaScript runs no timers, so axe cannot run in it: its
 * rendered HTML (the <noscript> parts as elements, no script) is checked in a twin page of the
 * same origin, size and stylesheet.
 */
async function axeViolations(page: Page): Promise<string[]> {
  if (page.context() === withoutJs) {
    const html = (await page.content()).replace(/<\/?noscript>/g, '').replace(/<script\b[\s\S]*?<\/script>/g, '');
    const twin = await withJs.newPage();
    await twin.goto(`${proxy.url}/api/v1/nowhere`);
    await twin.setContent(html, { waitUntil: 'load' });
    try {
      return await axeViolations(twin);
    } finally {
      await twin.close();
    }
  }
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

/** Every visible control a finger can hit that is smaller than 44 × 44 px (text links inside a sentence excepted: there are none). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.$$eval('a[href], button, input:not([type="hidden"]), textarea, select, summary, label.choice', (els) =>
    els
      .filter((e) => (e as HTMLElement).checkVisibility() && !(e as HTMLElement).closest('.skip'))
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 44 || r.height < 44)
      .map(
        ({ e, r }) =>
          `${e.localName}${e.id ? `#${e.id}` : ''} "${(e.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
      ),
  );
}

/** Where an element is, against the viewport and the sticky header's bottom edge. */
async function placement(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel) as HTMLElement;
    const r = el.getBoundingClientRect();
    const header = (document.querySelector('header.top') as HTMLElement).getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, headerBottom: header.bottom, viewport: window.innerHeight, visible: el.checkVisibility() };
  }, selector);
}

function expectBelowHeader(p: Awaited<ReturnType<typeof placement>>, what: string): void {
  expect(p.visible, what).toBe(true);
  expect(p.top, `${what} starts under the header`).toBeGreaterThanOrEqual(p.headerBottom);
  expect(p.bottom, `${what} ends below the screen`).toBeLessThanOrEqual(p.viewport);
}

/** The no-JS page tells the truth: no claim of sealing on the device anywhere in it, and a notice that says what the server sees and for how long. */
async function expectNoJsTruth(page: Page, lang: Lang): Promise<void> {
  const where = `${new URL(page.url()).pathname} ${lang}`;
  const html = await page.content(); // every byte of the page, hidden text and page data included
  for (const sentences of Object.values(SEALED_HERE)) {
    expect(html, where).not.toContain(sentences.report);
    expect(html, where).not.toContain(sentences.witness);
  }
  expect(html, where).not.toMatch(ON_DEVICE);
  // What is shown (rendered text only), not what the markup holds.
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
  const notice = await page.$$eval('.nojs', (ps) => ps.map((p) => (p as HTMLElement).innerText).join(' '));
  expect(notice, where).toMatch(FOR_HOW_LONG[lang]);
  expect(notice, where).toMatch(IN_CLEAR[lang]);
}

/** The first screen (320 × 640, not scrolled) says what the page is for, the emergency numbers, and starts the form. */
async function expectFirstScreen(page: Page, path: string, lang: Lang, where: string): Promise<void> {
  const form: Record<string, string> = {
    '/': '#category-field .choice',
    '/temoigner': '#testimony-section legend',
    '/suivi': '#receipt-input',
  };
  for (const selector of ['h1', '.lead', '.emergency', form[path]!])
    expectBelowHeader(await placement(page, selector), `${selector}, ${where}`);
  expect(await page.textContent('.emergency'), where).toMatch(/17.*112/);
  if (path !== '/') return;
  expect(await page.textContent('h1')).toBe(t(lang, 'home.title'));
  // The safety advice is on the page, folded, before the text fields.
  expect(await page.getAttribute('details.safety', 'open')).toBeNull();
  expect(await page.textContent('details.safety')).toContain(t(lang, 'home.safety.name'));
  expect(await page.textContent('details.safety summary')).toBe(t(lang, 'home.safety.title'));
  await page.click('details.safety summary');
  expect(await page.isVisible('details.safety li')).toBe(true);
  await page.click('details.safety summary');
}

/** Fills the report form with a category and a text; with JavaScript sends it and waits for the receipt. */
async function fileReport(page: Page, js: boolean, what: string): Promise<void> {
  await page.check('input[name="category"][value="armes"]');
  await page.fill('#what', what);
  skew += 4000;
  await page.click(js ? '#send' : '#report-form button[type="submit"]:not([disabled])');
  await page.waitForSelector(js ? '#receipt:not([hidden])' : '.receipt-code', { timeout: 60_000 });
}

beforeAll(async () => {
  const fx = await makeFixture({ patch: threeLanguages });
  server = await startTestServer(fx, { port: await freePort(), clock: () => Date.now() + skew });
  proxy = await startCaptureProxy(server.url, fx.port);
  browser = await launchChromium();
  withJs = await browser.newContext({ viewport: PHONE });
  withoutJs = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

describe('the form pages, at 320 × 640', () => {
  it.each(LANGS)(
    'pass axe, fit the screen with no touch target under 44 px, start with what the page is for, the emergency numbers and the form, and without JavaScript say what the server sees (%s)',
    async (lang) => {
      for (const js of [true, false]) {
        for (const path of ['/', '/suivi', '/temoigner']) {
          const page = await open(js, `${path}?lang=${lang}`);
          const where = `${path} ${lang} ${js ? 'with' : 'without'} JavaScript`;
          expect(await page.getAttribute('html', 'lang'), where).toBe(lang);
          expect(await page.getAttribute('html', 'dir'), where).toBe(lang === 'ar' ? 'rtl' : 'ltr');
          expect(await axeViolations(page), where).toEqual([]);
          expect(await page.evaluate(() => document.documentElement.scrollWidth), where).toBeLessThanOrEqual(PHONE.width);
          expect(await smallTargets(page), where).toEqual([]);
          if (!js) await expectNoJsTruth(page, lang);
          await expectFirstScreen(page, path, lang, where);
          if (js && path !== '/suivi') {
            // The error summary: axe-clean too, and below the header once it has the focus.
            await page.click('#send');
            await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('form-errors');
            expectBelowHeader(await placement(page, '#form-errors h2'), `the error summary's heading, ${where}`);
            expect(await axeViolations(page), where).toEqual([]);
            expect(await smallTargets(page), where).toEqual([]);
          }
          await page.close();
        }
      }
    },
  );

  it('lays Arabic out right to left, with the receipt’s digits left to right', async () => {
    const page = await open(true, '/?lang=ar');
    const layout = await page.evaluate(() => {
      const box = (s: string) => (document.querySelector(s) as HTMLElement).getBoundingClientRect();
      const choice = document.querySelector('#category-field .choice') as HTMLElement;
      return {
        direction: getComputedStyle(document.querySelector('main') as HTMLElement).direction,
        exitLeft: box('#quick-exit').left,
        siteLeft: box('.site').left,
        radioLeft: (choice.querySelector('input') as HTMLElement).getBoundingClientRect().left,
        labelLeft: (choice.querySelector('.choice-label') as HTMLElement).getBoundingClientRect().left,
        h1Right: box('h1').right,
        mainRight: box('main').right,
        font: getComputedStyle(document.body).fontFamily,
        codeDirection: getComputedStyle(document.getElementById('receipt-code') as HTMLElement).direction,
        inputDirection: getComputedStyle(document.getElementById('what') as HTMLElement).direction,
      };
    });
    expect(layout.direction).toBe('rtl');
    expect(layout.exitLeft).toBeLessThan(layout.siteLeft); // the quick exit is at the start of the line: on the left
    expect(layout.radioLeft).toBeGreaterThan(layout.labelLeft); // the radio button comes first: on the right
    expect(layout.mainRight - layout.h1Right).toBeLessThan(20); // headings start on the right
    expect(layout.font).toMatch(/Noto Sans Arabic|Geeza Pro|Tahoma/);
    expect(layout.codeDirection).toBe('ltr');
    expect(layout.inputDirection).toBe('rtl');
    expect(await page.textContent('#category-field .choice-hint')).toContain(ARABIC.names.police);
    await page.close();
  });
});

describe('the receipt, with JavaScript', () => {
  it.each(LANGS)(
    'has no way away but the confirmation and the quick exit: the language changes in place, every other link asks first, and the focus shows the receipt below the header (%s)',
    async (lang) => {
      const page = await open(true, `/?lang=${lang}`);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.type());
        void d.dismiss();
      });
      await fileReport(page, true, `Rapport ${lang} pour le reçu`);
      const receipt = (await page.textContent('#receipt-code'))!;
      expect(receipt).toMatch(/^\d{4}(-\d{4}){4}$/); // Western digits in every language
      receipts[lang] = receipt;
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('receipt-key');
      expectBelowHeader(await placement(page, '#receipt-key'), 'the receipt');
      expect(await page.textContent('#receipt-title')).toBe(t(lang, 'receipt.title'));
      expect(await axeViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);

      // The only links a finger can reach: the quick exit and the language choice. Every other link
      // of the document, tried anyway (even hidden, even by a script), asks first, and staying
      // keeps the receipt.
      const visibleLinks = await page.$$eval('a[href]', (as) =>
        as.filter((a) => (a as HTMLElement).checkVisibility()).map((a) => a.id || `lang ${a.getAttribute('hreflang')}`),
      );
      expect(visibleLinks).toEqual(['quick-exit', ...LANGS.filter((l) => l !== lang).map((l) => `lang ${l}`)]);
      const leaving = 'a[href]:not(#quick-exit):not(nav.langs a)';
      const others = await page.$$eval(leaving, (as) => as.length);
      expect(others).toBeGreaterThan(3);
      for (let i = 0; i < others; i++) {
        await page.evaluate(([sel, n]) => (document.querySelectorAll(sel as string)[n as number] as HTMLElement).click(), [leaving, i]);
        expect(page.url()).toBe(`${proxy.url}/?lang=${lang}`);
        expect(await page.textContent('#receipt-code')).toBe(receipt);
      }
      expect(dialogs.filter((d) => d === 'confirm')).toHaveLength(others);
      // The language choice changes the page in place, asks nothing, and keeps the receipt.
      const other: Lang = lang === 'ar' ? 'fr' : 'ar';
      const ref = /R-[0-9A-Z-]{14}/.exec((await page.textContent('#receipt-ref'))!)![0];
      await page.click(`nav.langs a[hreflang="${other}"]`);
      await page.waitForSelector(`html[lang="${other}"]`);
      expect(await page.textContent('#receipt-title')).toBe(t(other, 'receipt.title'));
      expect(await page.textContent('#receipt-ref')).toBe(t(other, 'receipt.ref').replace('{ref}', ref));
      expect(await page.textContent('#receipt-code')).toBe(receipt);
      expect(await page.isVisible('#report-form')).toBe(false);
      expect(await axeViolations(page)).toEqual([]);
      await page.click(`nav.langs a[hreflang="${lang}"]`);
      await page.waitForSelector(`html[lang="${lang}"]`);
      expect(page.url()).toBe(`${proxy.url}/?lang=${lang}`);
      expect(dialogs.filter((d) => d === 'confirm')).toHaveLength(others);
      // Leaving by the browser asks first too (reload, Back), and staying keeps the receipt.
      for (const leave of [() => window.location.reload(), () => window.history.back()]) {
        const asked = page.waitForEvent('dialog');
        await page.evaluate(leave);
        await asked;
      }
      expect(dialogs.filter((d) => d === 'beforeunload').length).toBeGreaterThanOrEqual(2);
      expect(await page.textContent('#receipt-code')).toBe(receipt);

      if (lang === 'fr') {
        // The confirmation: only once ticked, and it empties the page.
        expect(await page.isDisabled('#receipt-finish')).toBe(true);
        await page.check('#receipt-done');
        await page.click('#receipt-finish');
        await page.waitForSelector('body[data-ready="true"]:not([data-state])');
        expect(await page.content()).not.toContain(receipt);
        expect(await page.isVisible('#report-form')).toBe(true);
      } else {
        // The quick exit: no question, the receipt is gone, the site's data cleared, no way back.
        const first = proxy.exchanges.length;
        await page.click('#quick-exit');
        await page.waitForURL(`${NEUTRAL}**`);
        const exit = proxy.exchanges.slice(first).find((e) => e.path === '/sortie');
        expect(exit?.status).toBe(303);
        expect(exit?.responseHeaders['clear-site-data']).toBe('"cache", "cookies", "storage"');
        await page.goBack({ timeout: 5000 }).catch(() => {});
        expect(page.url()).not.toContain(proxy.url);
        expect(dialogs.filter((d) => d === 'beforeunload').length).toBe(2);
      }
      await page.close();
    },
  );

  it('shows the witness number in the focused box, below the header, in Arabic, then in French', async () => {
    const page = await open(true, '/temoigner?lang=ar');
    page.on('dialog', (d) => void d.dismiss());
    await page.fill('#what', 'شهادة تجريبية');
    await page.fill('#name', 'اسم تجريبي');
    await page.fill('#contact', 'عبر جارتي');
    await page.click('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('receipt-key');
    expectBelowHeader(await placement(page, '#receipt-key'), 'the witness receipt');
    const number = /W-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await page.textContent('#receipt-number'))!)![0];
    expect(await page.textContent('#receipt-number')).toBe(`رقمك كشاهد: ${number}`);
    expect(await axeViolations(page)).toEqual([]);
    // In French, in the page: the same number, in French words.
    await page.click('nav.langs a[hreflang="fr"]');
    await page.waitForSelector('html[lang="fr"][dir="ltr"]');
    expect(await page.textContent('#receipt-number')).toBe(t('fr', 'witness.receipt.number').replace('{number}', number));
    await page.close();
  });

  it('opens the conversation with its title and status below the header, and a wrong receipt’s error too', async () => {
    expect(receipts.en).toMatch(/\d/);
    const page = await open(true, '/suivi?lang=en');
    await page.fill('#receipt-input', '1234');
    await page.click('#followup-form button[type="submit"]');
    await expect.poll(() => page.textContent('#receipt-error')).toBe(t('en', 'followup.error.format'));
    expectBelowHeader(await placement(page, '#receipt-input'), 'the receipt field');
    await page.fill('#receipt-input', receipts.en!);
    await page.click('#followup-form button[type="submit"]');
    await page.waitForSelector('#conversation:not([hidden])', { timeout: 60_000 });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('conversation-head');
    expectBelowHeader(await placement(page, '#conversation-head'), 'the conversation’s title and status');
    expect(await page.textContent('#conversation-status')).toBe('Status: received, not handled yet');
    // In Arabic, in the page: the conversation is drawn again, still open.
    await page.click('nav.langs a[hreflang="ar"]');
    await expect.poll(() => page.textContent('#conversation-status')).toBe('الحالة: وصل، ولم يُعالَج بعد');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});

describe('the receipt, without JavaScript', () => {
  it.each(LANGS)(
    'has no link but the quick exit, asks for the confirmation, and changes language keeping the receipt (%s)',
    async (lang) => {
      const page = await open(false, `/?lang=${lang}`);
      await fileReport(page, false, `Sans JavaScript, ${lang}`);
      const receipt = (await page.textContent('.receipt-code'))!;
      const ref = /R-[0-9A-Z-]{14}/.exec((await page.textContent('#receipt-ref'))!)![0];
      expect(receipt).toMatch(/^\d{4}(-\d{4}){4}$/);
      noJsReceipts[lang] = receipt;
      // No script moves the focus here: the receipt is on the first screen, below the header.
      expectBelowHeader(await placement(page, '#receipt-key'), `the no-JS receipt, ${lang}`);
      expect(await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['#main', '/sortie']);
      expect(await axeViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await expectNoJsTruth(page, lang);
      // The confirmation cannot be sent before it is ticked (the browser checks it, without script).
      await page.click('.receipt-finish button');
      expect(page.url()).toContain('/nojs/report');
      expect(await page.textContent('.receipt-code')).toBe(receipt);
      // Another language: the same receipt, reference and words of that language.
      const other: Lang = lang === 'ar' ? 'fr' : 'ar';
      await page.click(`nav.langs button[lang="${other}"]`);
      await page.waitForSelector(`html[lang="${other}"]`);
      expect(await page.textContent('.receipt-code')).toBe(receipt);
      expect(await page.textContent('#receipt-ref')).toContain(ref);
      expect(await page.textContent('#receipt-title')).toBe(t(other, 'receipt.title'));
      expect(await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['#main', '/sortie']);
      await page.check('.receipt-finish input[type="checkbox"]');
      await page.click('.receipt-finish button');
      await page.waitForSelector('#report-form');
      expect(await page.content()).not.toContain(receipt);
      await page.close();
    },
  );

  it('leaves through the quick exit with the site’s data cleared', async () => {
    const page = await open(false, '/?lang=ar');
    const first = proxy.exchanges.length;
    await page.click('#quick-exit');
    await page.waitForURL(`${NEUTRAL}**`);
    expect(proxy.exchanges.slice(first).find((e) => e.path === '/sortie')?.responseHeaders['clear-site-data']).toBe(
      '"cache", "cookies", "storage"',
    );
    await page.close();
  });
});

describe('the other no-JS pages', () => {
  it.each(LANGS)(
    '(conversation, witness receipt, refusal) never say the text is sealed in the browser, and pass axe (%s)',
    async (lang) => {
      expect(noJsReceipts[lang]).toMatch(/\d/);
      const conversation = await open(false, `/suivi?lang=${lang}`);
      await conversation.fill('#receipt-input', noJsReceipts[lang]!);
      skew += 4000;
      await conversation.click('#followup-form button[type="submit"]');
      await conversation.waitForSelector('.conversation');
      const witness = await open(false, `/temoigner?lang=${lang}`);
      await witness.fill('#what', `Témoignage ${lang}`);
      await witness.fill('#name', 'Nom');
      await witness.fill('#contact', 'Contact');
      skew += 4000;
      await witness.click('#witness-form button[type="submit"]:not([disabled])');
      await witness.waitForSelector('#receipt-number');
      expectBelowHeader(await placement(conversation, '.conversation-head'), `the no-JS conversation's title and status, ${lang}`);
      expectBelowHeader(await placement(witness, '#receipt-key'), `the no-JS witness receipt and number, ${lang}`);
      for (const page of [conversation, witness]) {
        await expectNoJsTruth(page, lang);
        expect(await axeViolations(page)).toEqual([]);
        expect(await smallTargets(page)).toEqual([]);
        await page.close();
      }
      // A refusal is a page of its own (here: sent sooner than a form token allows).
      const refused = await open(false, `/?lang=${lang}`);
      await refused.check('input[name="category"][value="armes"]');
      await refused.fill('#what', 'Trop tôt');
      await refused.click('#report-form button[type="submit"]:not([disabled])');
      await refused.waitForSelector('[role="alert"]');
      expect(await refused.textContent('[role="alert"]')).toBe(t(lang, 'nojs.wait'));
      expect(await refused.content()).not.toMatch(ON_DEVICE);
      expect(await axeViolations(refused)).toEqual([]);
      expect(await smallTargets(refused)).toEqual([]);
      await refused.close();
    },
  );
});

describe('the language choice', () => {
  it('changes the language in the page with JavaScript, keeping what was typed and the files added, and sends none of it', async () => {
    const page = await open(true, '/?lang=fr');
    const typed = { what: 'Quokka-Zébulon vend sous le porche nord', where: 'Impasse Xérès, bâtiment K' };
    await page.check('input[name="category"][value="trafic"]');
    await page.fill('#what', typed.what);
    await page.fill('#where', typed.where);
    await page.setInputFiles('#files', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: PHOTO });
    await expect.poll(() => page.locator('.file-ready').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.textContent('#files-state')).toBe('1 fichier ajouté.');
    expect(await page.isVisible('#files')).toBe(false); // the native "no file chosen" is not shown
    const first = proxy.exchanges.length;

    await page.click('nav.langs a[hreflang="ar"]');
    await page.waitForSelector('html[dir="rtl"]');
    expect(await page.textContent('h1')).toBe(t('ar', 'home.title'));
    expect(await page.textContent('#sealed-here')).toBe(SEALED_HERE.ar!.report);
    expect(await page.textContent('#files-state')).toBe('أُضيف ملف واحد.');
    expect(await page.textContent('#files-list')).toContain('الموقع (GPS)');
    expect(await page.textContent('#files-button')).toBe(t('ar', 'files.add'));
    expect(await page.inputValue('#what')).toBe(typed.what);
    expect(await page.inputValue('#where')).toBe(typed.where);
    expect(await page.isChecked('input[name="category"][value="trafic"]')).toBe(true);
    expect(await page.textContent('#category-field .choice-label')).toBe(ARABIC.labels.trafic);
    expect(new URL(page.url()).search).toBe('?lang=ar');
    expect(await axeViolations(page)).toEqual([]);

    await page.click('nav.langs a[hreflang="en"]');
    await page.waitForSelector('html[lang="en"][dir="ltr"]');
    expect(await page.textContent('#files-state')).toBe('1 file added.');
    await page.click('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#receipt-title')).toBe('Report sent');
    const sent = proxy.exchanges.slice(first);
    expect(sent.filter((e) => e.method === 'GET' && e.path.startsWith('/?lang=')).map((e) => e.path)).toEqual(['/?lang=ar', '/?lang=en']);
    for (const field of Object.values(typed))
      for (const fragment of fragments(field))
        for (const e of sent) {
          expect(e.body.includes(fragment), `"${fragment}" in ${e.method} ${e.path}`).toBe(false);
          expect(e.path).not.toContain(encodeURIComponent(fragment.toString('utf8')));
        }
    await page.close();
  });

  it('re-posts the form without JavaScript, and the page comes back in the other language with what was typed', async () => {
    const page = await open(false, '/?lang=fr');
    await page.check('input[name="category"][value="prevention"]');
    await page.fill('#what', 'Des enfants font le guet après l’école');
    await page.click('nav.langs button[lang="ar"]');
    await page.waitForSelector('html[lang="ar"]');
    expect(await page.inputValue('#what')).toBe('Des enfants font le guet après l’école');
    expect(await page.isChecked('input[name="category"][value="prevention"]')).toBe(true);
    expect(await page.textContent('#nojs-notice')).toBe(t('ar', 'form.nojs'));
    const witness = await open(false, '/temoigner?lang=ar');
    await witness.fill('#what', 'Vu dans la cave');
    await witness.fill('#name', 'Camille');
    await witness.click('nav.langs button[lang="en"]');
    await witness.waitForSelector('html[lang="en"]');
    expect(await witness.inputValue('#name')).toBe('Camille');
    expect(await witness.inputValue('#what')).toBe('Vu dans la cave');
    await page.close();
    await witness.close();
  });
});
