// Files on the no-JavaScript report form, over plain HTTP (DESIGN promises 3 and 9): the server
// cleans each one in memory with the same strippers as the browser, seals it as its own part, and
// lists what it removed on the receipt; what it cannot clean (HEIC, which it cannot convert,
// video, a damaged file) and what exceeds the limits is refused with a page that says which file
// and what to do, writing nothing; neither the original nor the cleaned clear bytes reach the
// database files or the log.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueFormToken } from '../../src/core/form-token.ts';
import { openSealedPart } from '../../src/core/seal.ts';
import { deriveSecrets } from '../../src/server/secrets.ts';
import { makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { exiftool, leaks, readCorpus } from '../strip/helpers.ts';

const MB = 1024 * 1024;
const PHOTO = readCorpus('exif-samples-DSCN0010.jpg');
let server: TestServer;
let now = Date.now();

/** A valid JPEG of noise, between half and one MB: two of them exceed a 1 MB report. */
const noiseJpeg = () => new Uint8Array(jpeg.encode({ width: 560, height: 560, data: randomBytes(560 * 560 * 4) }, 95).data);

const token = () => issueFormToken(deriveSecrets(server.serverSecret).form, 'report', now - 10_000);

async function post(files: { bytes: Uint8Array; name: string }[], extra: Record<string, string> = {}, query = '') {
  now += 2_100; // stay under the no-JS cap of 30 a minute
  const form = new FormData();
  for (const [k, v] of Object.entries({ nojs: '1', category: 'armes', what: 'Avec des fichiers', formToken: token(), ...extra }))
    form.set(k, v);
  for (const f of files) form.append('files', new Blob([f.bytes as Uint8Array<ArrayBuffer>]), f.name);
  if (files.length === 0) form.append('files', new Blob([]), ''); // what a browser sends when no file was chosen
  const res = await fetch(`${server.url}/nojs/report${query}`, { method: 'POST', body: form });
  return { status: res.status, body: await res.text() };
}

async function reportCount(): Promise<number> {
  return (await server.relais.store.db.first<{ n: number }>('SELECT COUNT(*) AS n FROM all_reports'))?.n ?? -1;
}

/** Every part of the report a receipt page names, opened with officer A's key. */
async function openReport(body: string) {
  const ref = /R-[A-Z0-9-]+/.exec(body)![0];
  const key = server.fixture.keys['officer-a']!;
  const privateKey = await openpgp.decryptKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey: key.privateKey }),
    passphrase: key.passphrase,
  });
  const record = (await server.relais.store.reports.get(ref))!;
  const parts = [];
  for (const p of record.parts)
    parts.push({ role: p.role, ...(await openSealedPart((await server.relais.store.reports.partBytes(ref, p.idx))!, privateKey)) });
  return parts;
}

beforeAll(async () => {
  const fx = await makeFixture({ patch: (j) => (j.limits = { maxAttachmentBytes: MB, maxReportBytes: MB, maxAttachments: 3 }) });
  server = await startTestServer(fx, { clock: () => now });
});
afterAll(async () => server?.close());

describe('files on the no-JavaScript report form', () => {
  it('are cleaned in memory and sealed each as its own part; the receipt says what was removed; no clear byte reaches the disk or the log', async () => {
    const res = await post([
      { bytes: PHOTO, name: 'CANARY-fenetre.jpg' },
      { bytes: readCorpus('exiftool-PDF.pdf'), name: 'plan.pdf' },
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toMatch(/class="receipt-code"[^>]*>\d{4}(-\d{4}){4}</);
    const section = res.body.slice(res.body.indexOf('class="cleaned-files"'));
    expect(section).toContain('Fichier 1 (image/jpeg) : position GPS, modèle de l&#39;appareil, date de prise de vue');
    expect(section).toMatch(/Fichier 2 \(application\/pdf\) : [^<]*nom de l&#39;auteur/);
    expect(res.body).not.toContain('CANARY');

    const parts = await openReport(res.body);
    expect(parts.map((p) => [p.role, p.contentType])).toEqual([
      ['report', 'text/plain; charset=utf-8'],
      ['attachment', 'image/jpeg'],
      ['attachment', 'application/pdf'],
    ]);
    expect(leaks(exiftool(parts[1]!.content, 'jpg'))).toEqual([]);
    expect(leaks(exiftool(parts[2]!.content, 'pdf'))).toEqual([]);
    expect(leaks(exiftool(PHOTO, 'jpg')).length).toBeGreaterThan(0); // the check can fail

    // Bytes of the original (its camera model) and of the cleaned photo (a run of its image data).
    const cleaned = Buffer.from(parts[1]!.content);
    const probes = [
      Buffer.from('COOLPIX P6000'),
      cleaned.subarray(cleaned.length - 4096, cleaned.length - 4032),
      Buffer.from('CANARY-fenetre'),
    ];
    expect(Buffer.from(PHOTO).includes(probes[0]!) && Buffer.from(PHOTO).includes(probes[1]!)).toBe(true);
    await server.close();
    const files = [server.dbPath, `${server.dbPath}-wal`, `${server.dbPath}-shm`].filter(existsSync).map((f) => readFileSync(f));
    for (const hay of [...files, Buffer.from(server.logLines.join('\n'))])
      for (const probe of probes) expect(hay.includes(probe)).toBe(false);
    server = await startTestServer(server.fixture, { clock: () => now, dbPath: server.dbPath });
  });

  it('takes a form without a file as before', async () => {
    const res = await post([]);
    expect(res.status).toBe(201);
    expect(res.body).not.toContain('cleaned-files');
    expect((await openReport(res.body)).map((p) => p.role)).toEqual(['report']);
  });

  it.each([
    [
      'a HEIC photo, which the server cannot convert',
      () => [{ bytes: readCorpus('exiftool-QuickTime.heic'), name: 'CANARY.heic' }],
      400,
      /^Le fichier 1 est dans un format d’image \(image\/heic\) qui garde des informations cachées.*ne peut pas le convertir.*JPEG/,
    ],
    [
      'a video',
      () => [
        { bytes: PHOTO, name: 'a.jpg' },
        { bytes: readCorpus('exiftool-QuickTime.mov'), name: 'CANARY.mov' },
      ],
      400,
      /^Fichier 2 : Les vidéos et enregistrements sonores ne peuvent pas être envoyés/,
    ],
    [
      'a damaged photo',
      () => [{ bytes: PHOTO.subarray(0, 6000), name: 'CANARY.jpg' }],
      400,
      /^Fichier 1 : Ce fichier .* semble abîmé ou incomplet/,
    ],
    [
      'a file over the limit a file',
      () => [{ bytes: new Uint8Array(MB + 1), name: 'CANARY.bin' }],
      413,
      /^Fichier 1 : Ce fichier est trop lourd \(la limite est de 1 Mo\)/,
    ],
    [
      'files over the limit a report',
      () => [0, 1].map(() => ({ bytes: noiseJpeg(), name: 'CANARY.jpg' })),
      413,
      /^Les fichiers dépassent ensemble la limite de 1 Mo par signalement/,
    ],
    [
      'too many files',
      () => [0, 1, 2, 3].map(() => ({ bytes: readCorpus('exiftool-GPS.jpg'), name: 'CANARY.jpg' })),
      413,
      /^Vous pouvez joindre au plus 3 fichiers\./,
    ],
  ])('refuses %s with a page that says which file and what to do, writing nothing', async (_, files, status, message) => {
    const before = await reportCount();
    const res = await post(files());
    expect(res.status).toBe(status);
    expect(/<p role="alert">([^<]*)<\/p>/.exec(res.body)?.[1]?.replace(/&#39;/g, "'")).toMatch(message);
    expect(res.body).not.toContain('CANARY');
    expect(await reportCount()).toBe(before);
  });

  it('speaks English when asked', async () => {
    const res = await post([{ bytes: readCorpus('exiftool-QuickTime.heic'), name: 'a.heic' }], {}, '?lang=en');
    expect(res.status).toBe(400);
    expect(res.body).toContain('File 1 is in a picture format (image/heic)');
  });

  it('uses nothing from a form with files sent without the <noscript> marker', async () => {
    const before = await reportCount();
    const res = await post([{ bytes: PHOTO, name: 'a.jpg' }], { nojs: '0' });
    expect(res.status).toBe(400);
    expect(await reportCount()).toBe(before);
  });
});
