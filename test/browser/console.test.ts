// The officer console in real Chromium (issue "officer console"): logging in with a key made by
// `relais keygen` and with one exported from GnuPG, reading a report filed from the resident form,
// decrypting an attachment, replying and setting a status that the resident then sees, refused
// logins, the key gone after logout (storage and a heap snapshot of the page), nothing about a
// report in the URL or title, the console's own bundle, and axe.
import { CORPUS_DIR } from '../helpers/corpus.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { openConversation, readMessages } from '../../src/client/followup.ts';
import { submitReport } from '../../src/client/submit.ts';
import { relais } from '../helpers/cli.ts';
import { freePort, makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';
import { launchChromium, startCaptureProxy, type CaptureProxy } from '../helpers/browser.ts';
import { tempDir } from '../helpers/temp.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const work = tempDir('relais-console-');
const PASS = 'console pass phrase';
let server: TestServer;
let proxy: CaptureProxy;
let browser: Browser;
let gpgKeyFile = '';
let keygenKeyFile = '';

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

/** The page's JavaScript heap as Chromium's heap-snapshot JSON, after garbage collection. */
async function heapSnapshot(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  return chunks.join('');
}

async function logIn(page: Page, keyFile: string, passphrase = PASS): Promise<void> {
  await page.goto(`${proxy.url}/console/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.setInputFiles('#key-file', keyFile);
  await page.fill('#passphrase', passphrase);
  await page.click('#login-form button[type="submit"]');
}

beforeAll(async () => {
  const gpg = new Gpg();
  const gpgKey = gpg.generateKey('Police — liaison GnuPG', PASS);
  gpgKeyFile = join(work, 'gpg.key.asc');
  writeFileSync(gpgKeyFile, gpgKey.privateKey);
  const passFile = join(work, 'pass');
  writeFileSync(passFile, PASS);
  const made = await relais(['keygen', '--name', 'Police — liaison 1', '--out', join(work, 'keygen'), '--passphrase-file', passFile]);
  expect(made.code, made.stderr).toBe(0);
  keygenKeyFile = join(work, 'keygen.key.asc');
  const fx = await makeFixture();
  writeFileSync(join(fx.dir, 'keys', 'officer-a.asc'), readFileSync(join(work, 'keygen.pub.asc')));
  writeFileSync(join(fx.dir, 'keys', 'officer-b.asc'), gpgKey.publicKey);
  server = await startTestServer(fx, { port: await freePort() });
  proxy = await startCaptureProxy(server.url, fx.port);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

describe('the officer console', () => {
  let ref = '';
  let receipt = '';

  it('logs in with a key exported from GnuPG, reads a report filed from the resident form, downloads its attachment, replies and sets a status the resident sees', async () => {
    const resident = await browser.newPage();
    await resident.goto(`${proxy.url}/`);
    await resident.waitForSelector('body[data-ready="true"]');
    await resident.check('input[name="category"][value="armes"]');
    await resident.fill('#what', 'Deux pistolets cachés derrière le transformateur');
    // with a photo from a camera with GPS, attached in the form
    await resident.setInputFiles('#files', {
      name: 'IMG_2041.jpg',
      mimeType: 'image/jpeg',
      buffer: readFileSync(`${CORPUS_DIR}exif-samples-DSCN0010.jpg`),
    });
    await expect.poll(() => resident.locator('.file-ready').count(), { timeout: 30_000 }).toBe(1);
    await resident.click('#send');
    await resident.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    receipt = (await resident.textContent('#receipt-code')) ?? '';
    ref = ((await resident.textContent('#receipt-ref')) ?? '').replace('Référence : ', '');
    await resident.close();

    const page = await browser.newPage();
    await logIn(page, gpgKeyFile);
    await page.waitForSelector('#reports');
    expect(await page.textContent('#reports')).toContain(ref);
    expect(await page.textContent('.session .who')).toContain('Name of officer-b');
    expect(await axeViolations(page)).toEqual([]);
    await page.click(`#reports button[data-ref="${ref}"]`);
    await page.waitForSelector('#report-title');
    expect(await page.textContent('main')).toContain('Deux pistolets cachés derrière le transformateur');
    // nothing about the report in the address or the title
    expect(page.url()).toBe(`${proxy.url}/console/`);
    expect(await page.title()).not.toContain(ref);
    expect(await axeViolations(page)).toEqual([]);
    // the attachment, decrypted in the page on request and downloaded under a neutral name,
    // without the camera's metadata
    await page.click('button[data-part="1"]');
    await page.waitForSelector('.attachment img');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.attachment a')]);
    expect(download.suggestedFilename()).toBe('piece-jointe-1.jpg');
    const photo = readFileSync((await download.path())!);
    expect(photo.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(photo.includes(Buffer.from('NIKON'))).toBe(false);
    expect(photo.includes(Buffer.from('GPS'))).toBe(false);

    await page.fill('#reply-text', 'Merci, une patrouille passera.');
    await page.selectOption('#reply-status', 'in-progress');
    await page.click('#reply-form button[type="submit"]');
    await expect.poll(() => page.textContent('#messages'), { timeout: 30_000 }).toContain('Merci, une patrouille passera.');
    await page.fill('#note-text', 'Voir la main courante 1142');
    await page.click('#note-form button[type="submit"]');
    await expect.poll(() => page.textContent('#messages'), { timeout: 30_000 }).toContain('Voir la main courante 1142');
    await page.close();

    const conversation = await openConversation(new ApiClient({ server: server.url }), receipt);
    expect(conversation.status).toBe('in-progress');
    const texts = (await readMessages(conversation)).map((m) => (m.envelope ? new TextDecoder().decode(m.envelope.content) : ''));
    expect(texts).toContain('Merci, une patrouille passera.');
    expect(texts).not.toContain('Voir la main courante 1142');

    // and the resident reads both on the follow-up page
    const back = await browser.newPage();
    await back.goto(`${proxy.url}/suivi`);
    await back.waitForSelector('body[data-ready="true"]');
    await back.fill('#receipt-input', receipt);
    await back.click('#followup-form button[type="submit"]');
    await back.waitForSelector('#conversation:not([hidden])', { timeout: 60_000 });
    expect(await back.textContent('#conversation-status')).toBe('État : en cours de traitement');
    expect(await back.textContent('#messages')).toContain('Merci, une patrouille passera.');
    await back.close();
  });

  it('logs in with a key made by relais keygen and decrypts an attachment on request', async () => {
    const jpeg = readFileSync(`${CORPUS_DIR}exif-samples-BlueSquare.jpg`);
    const { ref: withFile } = await submitReport(new ApiClient({ server: server.url }), {
      category: 'armes',
      text: 'avec une photo',
      attachments: [{ contentType: 'image/jpeg', bytes: new Uint8Array(jpeg) }],
    });
    const page = await browser.newPage();
    await logIn(page, keygenKeyFile);
    await page.waitForSelector('#reports');
    await page.click(`#reports button[data-ref="${withFile}"]`);
    await page.waitForSelector('#report-title');
    const before = proxy.exchanges.filter((e) => e.path.includes(`${withFile}/parts/1`)).length;
    expect(before).toBe(0); // attachments are not fetched until asked for
    await page.click('button[data-part="1"]');
    await page.waitForSelector('.attachment img');
    const download = await Promise.all([page.waitForEvent('download'), page.click('.attachment a')]);
    expect(download[0].suggestedFilename()).toBe('piece-jointe-1.jpg');
    const saved = readFileSync((await download[0].path())!);
    expect(saved.equals(jpeg)).toBe(true);
    await page.close();
    const entries = (await server.relais.store.audit.range(0, 100_000)).map((e) => JSON.parse(e.entry));
    expect(entries).toContainEqual(expect.objectContaining({ action: 'attachment.download', actor: 'member:officer-a', report: withFile }));
  });

  it('refuses a wrong passphrase and a key that belongs to no member, with clear messages', async () => {
    const page = await browser.newPage();
    await logIn(page, gpgKeyFile, 'not the passphrase');
    await expect.poll(() => page.textContent('#login-error')).toBe('La phrase secrète ne déverrouille pas cette clé.');
    const outsider = join(work, 'outsider');
    writeFileSync(join(work, 'pass2'), PASS);
    await relais(['keygen', '--name', 'outsider', '--out', outsider, '--passphrase-file', join(work, 'pass2')]);
    await logIn(page, `${outsider}.key.asc`);
    await expect
      .poll(() => page.textContent('#login-error'), { timeout: 20_000 })
      .toBe('Cette clé n’appartient à aucun membre de ce Relais (ou son membre a été retiré).');
    await page.close();
  });

  it('forgets everything on logout: no storage used, no key, passphrase or token left in the page’s memory', async () => {
    const page = await browser.newPage();
    const first = proxy.exchanges.length;
    await logIn(page, keygenKeyFile);
    await page.waitForSelector('#filters');
    const token = proxy.exchanges
      .slice(first)
      .map((e) => /^Bearer (.+)$/.exec(String(e.requestHeaders.authorization ?? ''))?.[1])
      .find(Boolean)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The method finds what the page holds: while logged in, the token is in the heap.
    expect((await heapSnapshot(page)).includes(token)).toBe(true);
    await page.click('#logout');
    await page.waitForURL(`${proxy.url}/console/?ended=logout`);
    await page.waitForSelector('#login-form');
    expect(await page.textContent('#login-form')).toContain('Vous êtes déconnecté');
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookies: document.cookie,
      databases: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
      workers: (await navigator.serviceWorker.getRegistrations()).length,
    }));
    expect(stored).toEqual({ local: 0, session: 0, cookies: '', databases: 0, caches: 0, workers: 0 });
    // A heap snapshot of the page after logout: none of the secrets it held.
    await page.waitForTimeout(500);
    const heap = await heapSnapshot(page);
    expect(heap.length).toBeGreaterThan(100_000);
    // a line of the locked secret-key material (the first lines encode the public part)
    const armoredLine = readFileSync(keygenKeyFile, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Za-z0-9+/]{60,}$/.test(l))[3]!;
    expect(armoredLine).toMatch(/^[A-Za-z0-9+/]{60,}$/);
    for (const [what, secret] of [
      ['member name', 'Name of officer-a'],
      ['passphrase', PASS],
      ['token', token],
      ['key', armoredLine],
    ] as const) {
      expect(heap.includes(secret), what).toBe(false);
    }
    // and the server ended the session
    const res = await fetch(`${server.url}/api/v1/session`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    await page.close();
  });

  it('shows 200 reports on one page, newest hour first, and filters them', async () => {
    // Rows straight into the store (their parts are never opened here), across several hours.
    const hour = 3600;
    const base = Math.floor(Date.now() / 1000 / hour) * hour;
    for (let i = 0; i < 200; i++) {
      await server.relais.store.reports.insert({
        category: i % 2 ? 'armes' : 'trafic',
        receivedBucket: base - hour * (i % 7),
        configHash: server.config.hash,
        routes: [{ inboxId: 'police', audience: 'main' }],
        parts: [{ role: 'report', bytes: new Uint8Array(600) }],
        spentChallenge: { nonce: `bulk-${i}`, expires: base + hour },
      });
    }
    const witness = await submitReport(
      new ApiClient({ server: server.url }),
      { category: 'temoin', text: 'ce que j’ai vu', identity: 'qui je suis' },
      { followUp: false },
    );
    const page = await browser.newPage();
    await logIn(page, keygenKeyFile);
    await page.waitForSelector('#filters');
    // a witness request appears under its W- number
    expect(await page.textContent(`#reports tr:has(button[data-ref="${witness.ref}"]) .witness-number`)).toMatch(
      /^W-[0-9A-Z]{4}-[0-9A-Z]{4}$/,
    );
    await page.selectOption('#filter-per-page', '200');
    await page.click('#filters button[type="submit"]');
    await expect.poll(() => page.locator('#reports tbody tr').count(), { timeout: 30_000 }).toBe(200);
    const buckets = await page.$$eval('#reports tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-bucket'))));
    expect(buckets).toEqual([...buckets].sort((a, b) => b - a));
    expect(new Set(buckets).size).toBeGreaterThanOrEqual(7);
    await page.selectOption('#filter-category', 'trafic');
    await page.click('#filters button[type="submit"]');
    await expect.poll(() => page.textContent('#reports caption')).toMatch(/^1\d\d signalement/);
    const categories = await page.$$eval('#reports tbody tr td:nth-child(3)', (cells) => [...new Set(cells.map((c) => c.textContent))]);
    expect(categories).toEqual(['Point de deal']);
    await page.close();
  });

  it('warns before the idle timeout, then forgets the key and asks to log in again', async () => {
    const page = await browser.newPage();
    await page.clock.install();
    await logIn(page, keygenKeyFile);
    await page.waitForSelector('#filters');
    await page.clock.fastForward('13:10');
    await page.waitForSelector('#idle-warning');
    expect(await page.textContent('#idle-warning')).toContain('Sans activité, vous serez déconnecté dans 2 minute(s).');
    await page.clock.fastForward('02:00');
    await page.waitForURL(`${proxy.url}/console/?ended=expired`);
    await page.waitForSelector('#login-form');
    expect(await page.textContent('#login-form')).toContain('Votre session a pris fin');
    await page.close();
  });

  it('has its own bundle: the resident pages never load console code, nor the console the resident form', async () => {
    const scripts = async (path: string) => {
      const page = await browser.newPage();
      const urls: string[] = [];
      page.on('request', (r) => r.resourceType() === 'script' && urls.push(new URL(r.url()).pathname));
      await page.goto(`${proxy.url}${path}`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.close();
      return urls;
    };
    const resident = await scripts('/');
    const staff = await scripts('/console/');
    expect(resident).toContain('/assets/resident.js');
    expect(staff).toContain('/assets/console.js');
    expect(resident).not.toContain('/assets/console.js');
    expect(staff).not.toContain('/assets/resident.js');
    const consolePage = proxy.exchanges.find((e) => e.path === '/console/')!;
    expect(consolePage.responseHeaders['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self'.*frame-ancestors 'none'/);
    expect(consolePage.responseHeaders['cache-control']).toBe('no-store');
  });
});
