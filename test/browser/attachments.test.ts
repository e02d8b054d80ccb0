// Attachments in the resident form, in real Chromium through a proxy that records every byte sent
// (DESIGN promise 3): a photo taken with GPS reaches the officer (`relais pull`) without its GPS
// position, camera or date, with the same pixels, and no request carries its metadata; the page
// shows what was removed before sending, converts a picture it cannot clean to JPEG, refuses
// what it cannot clean and what exceeds the limits with messages tied to the field, and the
// no-JavaScript form cleans files on the server.
import { CORPUS_DIR } from '../helpers/corpus.ts';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relais } from '../helpers/cli.ts';
import { freePort, makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { launchChromium, startCaptureProxy, type CaptureProxy } from '../helpers/browser.ts';
import { exiftool, leaks } from '../strip/helpers.ts';
import { tempDir } from '../helpers/temp.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CORPUS = CORPUS_DIR;
const MB = 1024 * 1024;
const work = tempDir('relais-attach-');
const PHOTO = readFileSync(join(CORPUS, 'exif-samples-DSCN0010.jpg'));
const PHOTO_NAME = 'fenetre-DSCN0010.jpg';

let server: TestServer;
let proxy: CaptureProxy;
let browser: Browser;
const keyFile = join(work, 'officer-a.key.asc');
const passFile = join(work, 'pass');

/** The GPS IFD of a JPEG's Exif block: its entry count and 12-byte entries, as stored. */
function gpsIfdBytes(file: Buffer): Buffer {
  const app1 = file.indexOf(Buffer.from('Exif\0\0', 'latin1'));
  const tiff = app1 + 6;
  const le = file.toString('latin1', tiff, tiff + 2) === 'II';
  const u16 = (at: number) => (le ? file.readUInt16LE(at) : file.readUInt16BE(at));
  const u32 = (at: number) => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const ifd0 = tiff + u32(tiff + 4);
  for (let i = 0; i < u16(ifd0); i++) {
    const entry = ifd0 + 2 + i * 12;
    if (u16(entry) === 0x8825) {
      const gps = tiff + u32(entry + 8);
      return file.subarray(gps, gps + 2 + u16(gps) * 12);
    }
  }
  throw new Error('no GPS IFD');
}

/** A 24-bit BMP (a format the strippers do not clean, which Chromium can decode) of a gradient. */
function bmp(width: number, height: number): { file: Buffer; rgb: (x: number, y: number) => [number, number, number] } {
  const rgb = (x: number, y: number): [number, number, number] => [Math.round((255 * x) / width), Math.round((255 * y) / height), 128];
  const row = Math.ceil((width * 3) / 4) * 4;
  const file = Buffer.alloc(54 + row * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      const at = 54 + (height - 1 - y) * row + x * 3; // bottom-up rows, BGR
      file[at] = b;
      file[at + 1] = g;
      file[at + 2] = r;
    }
  }
  return { file, rgb };
}

/** A valid JPEG of noise, `size`-ish bytes, for the limits. */
function noiseJpeg(side: number): Buffer {
  const data = randomBytes(side * side * 4);
  return Buffer.from(jpeg.encode({ width: side, height: side, data }, 95).data);
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

async function pull(): Promise<string> {
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
  ]);
  expect(res.code, res.stderr).toBe(0);
  return out;
}

/** exiftool -j on a file: its tags by "Group:Tag", File and System (the copy on disk) left out. */
function exiftoolJson(path: string): Record<string, unknown> {
  const tags =
    (JSON.parse(execFileSync('/usr/bin/exiftool', ['-j', '-a', '-G1', path], { encoding: 'utf8' })) as Record<string, unknown>[])[0] ?? {};
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !/^(System|File|ExifTool):/.test(k)));
}

async function openForm(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${proxy.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

beforeAll(async () => {
  const fx = await makeFixture({ patch: (j) => (j.limits = { maxAttachmentBytes: MB, maxReportBytes: MB, maxAttachments: 3 }) });
  server = await startTestServer(fx, { port: await freePort() });
  proxy = await startCaptureProxy(server.url, fx.port);
  browser = await launchChromium();
  const k = fx.keys['officer-a']!;
  writeFileSync(keyFile, k.privateKey);
  writeFileSync(passFile, k.passphrase);
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

describe('attachments in the report form, with JavaScript', () => {
  it('cleans a photo in the browser, shows what was removed, and the officer receives it without GPS, camera or date, with the same pixels', async () => {
    const page = await openForm();
    const first = proxy.exchanges.length;
    const picture = bmp(64, 48);
    await page.check('input[name="category"][value="trafic"]');
    await page.fill('#what', 'Photo prise depuis la fenêtre');
    await page.setInputFiles('#files', [
      { name: PHOTO_NAME, mimeType: 'image/jpeg', buffer: PHOTO },
      { name: 'plan-du-hall.bmp', mimeType: 'image/bmp', buffer: picture.file },
      { name: 'a-retirer.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(CORPUS, 'exif-samples-BlueSquare.jpg')) },
    ]);
    await expect.poll(() => page.locator('.file-ready').count(), { timeout: 20_000 }).toBe(3);
    const items = await page.locator('#files-list li').allTextContents();
    expect(items[0]).toContain(PHOTO_NAME);
    for (const said of ['position GPS', "modèle de l'appareil", 'date de prise de vue']) expect(items[0]).toContain(said);
    expect(items[1]).toContain('Converti en photo JPEG simple');
    expect(await page.getAttribute('#files', 'aria-invalid')).toBe('false');
    // The resident removes the third file; focus goes back to the picker.
    const removeButtons = page.locator('#files-list .file-remove');
    expect((await removeButtons.nth(2).boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect(await removeButtons.nth(2).textContent()).toBe('Retirer a-retirer.jpg');
    await removeButtons.nth(2).click();
    expect(await page.locator('#files-list li').count()).toBe(2);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('files-button');
    expect(await axeViolations(page)).toEqual([]);

    // Record the progress bar as it moves.
    await page.evaluate(() => {
      const seen: { text: string; value: number }[] = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      const bar = document.getElementById('progress-bar') as HTMLProgressElement;
      const text = document.getElementById('progress-text')!;
      new MutationObserver(() => seen.push({ text: text.textContent ?? '', value: bar.value })).observe(
        document.getElementById('progress')!,
        { subtree: true, attributes: true, childList: true, characterData: true },
      );
    });
    await page.click('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    const ref = ((await page.textContent('#receipt-ref')) ?? '').replace('Référence : ', '');
    const seen = await page.evaluate(() => (window as unknown as { seen: { text: string; value: number }[] }).seen);
    expect(seen.map((s) => s.text)).toEqual(expect.arrayContaining(['Chiffrement de votre signalement…', 'Envoi…']));
    expect(Math.max(...seen.filter((s) => s.text === 'Envoi…').map((s) => s.value))).toBe(100); // upload progress reached the end
    await page.close();

    // On the wire: sealed parts named "sealed", never the file names, never the photo's metadata.
    const sent = proxy.exchanges.slice(first);
    const report = sent.find((e) => e.method === 'POST' && e.path === '/api/v1/reports')!;
    expect(report.status).toBe(201);
    expect(report.body.toString('latin1').match(/filename="[^"]*"/g)).toEqual([
      'filename="sealed"',
      'filename="sealed"',
      'filename="sealed"',
    ]);
    const secrets = [
      gpsIfdBytes(PHOTO),
      Buffer.from('COOLPIX P6000'),
      Buffer.from('NIKON'),
      Buffer.from('DSCN0010'),
      Buffer.from('plan-du-hall'),
      Buffer.from('a-retirer'),
    ];
    expect(PHOTO.includes(secrets[0]!) && PHOTO.includes(secrets[1]!)).toBe(true); // the checks can fail
    for (const e of sent) {
      for (const secret of secrets)
        expect(
          e.body.includes(secret) || e.path.includes(secret.toString('latin1')),
          `${secret.toString('latin1', 0, 16)} in ${e.method} ${e.path}`,
        ).toBe(false);
    }

    const folder = join(await pull(), ref);
    expect(
      readdirSync(folder)
        .filter((f) => f.startsWith('attachment-'))
        .sort(),
    ).toEqual(['attachment-1.jpg', 'attachment-2.jpg']);
    const tags = exiftoolJson(join(folder, 'attachment-1.jpg'));
    const original = exiftoolJson(join(CORPUS, 'exif-samples-DSCN0010.jpg'));
    const identifying = (t: Record<string, unknown>) =>
      Object.keys(t).filter((k) => /GPS|Make|Model|DateTimeOriginal|CreateDate|ModifyDate|SerialNumber/.test(k));
    expect(identifying(original).length).toBeGreaterThan(3);
    expect(identifying(tags)).toEqual([]);
    expect(leaks(exiftool(readFileSync(join(folder, 'attachment-1.jpg')), 'jpg'))).toEqual([]);
    const decode = (b: Buffer) => jpeg.decode(b, { useTArray: true, formatAsRGBA: true });
    const before = decode(PHOTO);
    const after = decode(readFileSync(join(folder, 'attachment-1.jpg')));
    expect([after.width, after.height]).toEqual([before.width, before.height]);
    expect(Buffer.from(after.data).equals(Buffer.from(before.data))).toBe(true);
    // The BMP arrives as a JPEG of the same picture, within JPEG's tolerance.
    const converted = decode(readFileSync(join(folder, 'attachment-2.jpg')));
    expect([converted.width, converted.height]).toEqual([64, 48]);
    let diff = 0;
    for (let y = 0; y < 48; y++)
      for (let x = 0; x < 64; x++) picture.rgb(x, y).forEach((v, c) => (diff += Math.abs(v - converted.data[(y * 64 + x) * 4 + c]!)));
    expect(diff / (64 * 48 * 3)).toBeLessThan(4);
  });

  it('refuses files it cannot clean, and files over the limits, with messages tied to the field', async () => {
    const page = await openForm();
    await page.setInputFiles('#files', [
      { name: 'trop-gros.jpg', mimeType: 'image/jpeg', buffer: Buffer.concat([PHOTO, Buffer.alloc(MB)]) },
      { name: 'video.mov', mimeType: 'video/quicktime', buffer: readFileSync(join(CORPUS, 'exiftool-QuickTime.mov')) },
      { name: 'photo.heic', mimeType: 'image/heic', buffer: readFileSync(join(CORPUS, 'exiftool-QuickTime.heic')) },
    ]);
    await expect.poll(() => page.locator('#files-error .error-line').count(), { timeout: 20_000 }).toBe(3);
    const errors = await page.locator('#files-error .error-line').allTextContents();
    expect(errors[0]).toBe(
      '« trop-gros.jpg » est trop lourd (1,2 Mo) : la limite est de 1 Mo par fichier. Envoyez une version plus petite, par exemple une capture d’écran.',
    );
    expect(errors[1]).toMatch(/^« video\.mov » : Les vidéos et enregistrements sonores ne peuvent pas être envoyés/);
    expect(errors[2]).toMatch(/^« photo\.heic » : ce navigateur ne sait pas convertir ce format d’image \(image\/heic\).*JPEG/);
    expect(await page.getAttribute('#files', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#files', 'aria-describedby')).toContain('files-error');
    expect(await page.locator('#files-list li').count()).toBe(0);

    // Per report: the second file would take the total over the limit.
    const big = noiseJpeg(560);
    expect(big.length).toBeGreaterThan(MB / 2);
    expect(big.length).toBeLessThan(MB);
    await page.setInputFiles('#files', [
      { name: 'un.jpg', mimeType: 'image/jpeg', buffer: big },
      { name: 'deux.jpg', mimeType: 'image/jpeg', buffer: noiseJpeg(560) },
    ]);
    await expect
      .poll(() => page.locator('#files-error .error-line').allTextContents(), { timeout: 20_000 })
      .toEqual([
        '« deux.jpg » n’a pas été ajouté : ensemble, les fichiers dépasseraient 1 Mo. Retirez un fichier, ou envoyez celui-ci plus tard depuis « J’ai déjà signalé ».',
      ]);
    expect(await page.locator('.file-ready').count()).toBe(1);
    // In number: three at most.
    const small = readFileSync(join(CORPUS, 'exiftool-GPS.jpg'));
    await page.setInputFiles(
      '#files',
      ['a', 'b', 'c'].map((n) => ({ name: `${n}.jpg`, mimeType: 'image/jpeg', buffer: small })),
    );
    await expect.poll(() => page.locator('.file-ready').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.locator('#files-error .error-line').allTextContents()).toEqual([
      '« c.jpg » n’a pas été ajouté : vous pouvez joindre au plus 3 fichiers.',
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});

describe('a file picked before the page script has loaded', () => {
  it('is taken in and cleaned once the script takes over the form', async () => {
    const page = await browser.newPage();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/assets/resident.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${proxy.url}/`, { waitUntil: 'commit' });
    await page.waitForSelector('#files');
    await page.setInputFiles('#files', { name: PHOTO_NAME, mimeType: 'image/jpeg', buffer: PHOTO });
    release();
    await page.waitForSelector('body[data-ready="true"]');
    await expect.poll(() => page.locator('.file-ready').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.textContent('#files-list')).toContain('position GPS');
    await page.close();
  });
});

describe('attachments without JavaScript', () => {
  it('are cleaned by the server, which lists what it removed on the receipt, and a HEIC photo is refused with what to do', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const [withPhoto, withHeic] = [await context.newPage(), await context.newPage()];
    for (const page of [withPhoto, withHeic]) {
      await page.goto(`${proxy.url}/`);
      await page.check('input[name="category"][value="armes"]');
      await page.fill('#what', 'Sans JavaScript, avec une photo');
    }
    expect(await withPhoto.textContent('#files-field')).toContain('Sans JavaScript, le serveur reçoit vos fichiers tels quels');
    await withPhoto.setInputFiles('#files', { name: PHOTO_NAME, mimeType: 'image/jpeg', buffer: PHOTO });
    await withHeic.setInputFiles('#files', {
      name: 'photo.heic',
      mimeType: 'image/heic',
      buffer: readFileSync(join(CORPUS, 'exiftool-QuickTime.heic')),
    });
    await withPhoto.waitForTimeout(3200); // a no-JS form token is good only after 3 s

    await withHeic.click('#report-form button[type="submit"]:not([disabled])');
    await withHeic.waitForSelector('[role="alert"]');
    expect(await withHeic.textContent('[role="alert"]')).toMatch(
      /^Le fichier 1 est dans un format d’image \(image\/heic\).*sans JavaScript, le serveur ne peut pas le convertir.*JPEG.*Rien n’a été envoyé\.$/,
    );

    await withPhoto.click('#report-form button[type="submit"]:not([disabled])');
    await withPhoto.waitForSelector('.receipt-code');
    const cleaned = await withPhoto.textContent('.cleaned-files');
    for (const said of ['Fichier 1 (image/jpeg)', 'position GPS', "modèle de l'appareil", 'date de prise de vue'])
      expect(cleaned).toContain(said);
    expect(await withPhoto.content()).not.toContain('DSCN0010');
    await context.close();

    const out = await pull();
    const folder = readdirSync(out).find((d) =>
      readFileSync(join(out, d, 'report.txt'), 'utf8').includes('Sans JavaScript, avec une photo'),
    )!;
    expect(readdirSync(join(out, folder)).filter((f) => f.startsWith('attachment-'))).toEqual(['attachment-1.jpg']);
    const tags = exiftoolJson(join(out, folder, 'attachment-1.jpg'));
    expect(Object.keys(tags).filter((k) => /GPS|Make|Model|DateTimeOriginal|CreateDate/.test(k))).toEqual([]);
    expect(leaks(exiftool(readFileSync(join(out, folder, 'attachment-1.jpg')), 'jpg'))).toEqual([]);
  });
});
