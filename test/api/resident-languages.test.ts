// The resident pages in French, English and Arabic over plain HTTP (issue 17): inbox names and
// category labels per language in the config, the public config and the pages, `config check`
// naming what is untranslated; the no-JS language switch (/nojs/langue), which shows a page again
// with what was typed and writes nothing, refusing anything that is not one of its pages' forms
// with a page that echoes nothing; the strippers' refusals in the page's language; and the quick
// exit's /sortie, which clears the site's data and sends the browser on.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTranslations } from '../../src/config/translations.ts';
import { issueFormToken } from '../../src/core/form-token.ts';
import { deriveSecrets } from '../../src/server/secrets.ts';
import { relais } from '../helpers/cli.ts';
import { readCorpus } from '../strip/helpers.ts';
import { makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { ARABIC, threeLanguages } from '../helpers/languages.ts';

let server: TestServer;
const now = Date.now();

const token = (purpose: 'report' | 'lookup' = 'report') => issueFormToken(deriveSecrets(server.serverSecret).form, purpose, now - 10_000);

async function post(path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body });
  return { status: res.status, body: await res.text() };
}

async function reportCount(): Promise<number> {
  return (await server.relais.store.db.first<{ n: number }>('SELECT COUNT(*) AS n FROM reports'))?.n ?? -1;
}

beforeAll(async () => {
  server = await startTestServer(await makeFixture({ patch: threeLanguages }), { clock: () => now });
});
afterAll(async () => server?.close());

describe('labels and inbox names in each language', () => {
  it('are served per language in the public config, an inbox without a name in a language showing its default name', async () => {
    const config = (await (await fetch(`${server.url}/api/v1/config`)).json()) as {
      categories: {
        id: string;
        labels: Record<string, string>;
        readBy: Record<string, string[]>;
        identityReadBy?: Record<string, string[]>;
      }[];
    };
    const trafic = config.categories.find((c) => c.id === 'trafic')!;
    expect(trafic.readBy).toEqual({
      fr: ['Police — stupéfiants', 'Mairie — prévention'],
      en: ['Police — drugs', 'City hall — prevention'],
      ar: [ARABIC.names.police, ARABIC.names.city],
    });
    expect(trafic.labels.ar).toBe(ARABIC.labels.trafic);
    expect(config.categories.find((c) => c.id === 'temoin')!.identityReadBy?.ar).toEqual([ARABIC.names.custody]);
  });

  it('show on the pages in the page’s language, right to left in Arabic', async () => {
    const ar = await (await fetch(`${server.url}/?lang=ar`)).text();
    expect(ar).toContain('<html lang="ar" dir="rtl">');
    expect(ar).toContain(ARABIC.labels.trafic);
    expect(ar).toContain(`${ARABIC.names.police}، ${ARABIC.names.city}`);
    expect(ar).not.toContain('Police — stupéfiants');
    const en = await (await fetch(`${server.url}/?lang=en`)).text();
    expect(en).toContain('Read by: Police — drugs, City hall — prevention');
    const witness = await (await fetch(`${server.url}/temoigner?lang=ar`)).text();
    expect(witness).toContain(ARABIC.names.custody);
  });

  it('are checked by `relais config check`, which names each missing one and each text in a language the site does not offer', async () => {
    const fx = await makeFixture({
      keys: server.fixture.keys,
      patch: (j) => {
        threeLanguages(j);
        delete j.inboxes[1].names.ar;
        j.categories[0].labels.de = 'Drogenhandel';
      },
    });
    const res = await relais(['config', 'check', '--config', fx.configPath]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('warning: inbox "city" has no name in "ar": residents reading "ar" see "Mairie — prévention"');
    expect(res.stderr).toContain('warning: category "trafic" has a text in "de", which site.languages does not offer');
    expect(res.stderr).not.toContain('inbox "police" has no name');
    // A missing category label is not a warning but a refusal, naming the category and the language.
    const json = JSON.parse(readFileSync(fx.configPath, 'utf8'));
    delete json.categories[1].labels.ar;
    writeFileSync(fx.configPath, JSON.stringify(json));
    const refused = await relais(['config', 'check', '--config', fx.configPath]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('category "armes" has no label in "ar"');
  });

  it('need no name in the site’s first language beyond `name`, and inboxes nobody is routed to are not named', () => {
    const fx = server.config.config;
    expect(missingTranslations(fx)).toEqual([]);
    const copy = structuredClone(fx);
    copy.inboxes.push({ id: 'unused', name: 'Inutilisée', kind: 'city', members: copy.inboxes[0]!.members });
    expect(missingTranslations(copy)).toEqual([]);
    delete copy.inboxes[0]!.names;
    expect(missingTranslations(copy)).toEqual([
      'inbox "police" has no name in "en": residents reading "en" see "Police — stupéfiants"',
      'inbox "police" has no name in "ar": residents reading "ar" see "Police — stupéfiants"',
    ]);
  });
});

describe('the language choice without JavaScript (/nojs/langue)', () => {
  it('shows the report form again in the chosen language with what was typed, escaped, and writes nothing', async () => {
    const before = await reportCount();
    const typed = 'Trois guetteurs <script>alert(1)</script> & "un chien"';
    const res = await post('/nojs/langue?lang=ar&page=report', {
      nojs: '1',
      category: 'armes',
      what: typed,
      where: 'Escalier B',
      when: 'Le soir',
      formToken: token(),
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<html lang="ar" dir="rtl">');
    expect(res.body).toContain('Trois guetteurs &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;un chien&quot;</textarea>');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('value="Escalier B"');
    expect(res.body).toMatch(/value="armes" required checked/);
    expect(res.body).toContain(ARABIC.labels.armes);
    expect(await reportCount()).toBe(before);
    expect(server.logLines.join('\n')).not.toContain('guetteurs');
  });

  it('shows the witness form and the follow-up form again, keeping only what fits each field', async () => {
    const witness = await post('/nojs/langue?lang=en&page=witness', {
      nojs: '1',
      what: 'Vu dans la cave',
      name: 'Camille Quibble',
      contact: 'Par ma sœur',
      wish: 'number',
    });
    expect(witness.status).toBe(200);
    expect(witness.body).toContain('Vu dans la cave</textarea>');
    expect(witness.body).toContain('value="Camille Quibble"');
    expect(witness.body).toMatch(/value="number" checked/);
    const followUp = await post('/nojs/langue?lang=ar&page=followup', { nojs: '1', receipt: '1234-5678' });
    expect(followUp.body).toContain('value="1234-5678"');
    const notAReceipt = await post('/nojs/langue?lang=ar&page=followup', { nojs: '1', receipt: 'CANARY-letters' });
    expect(notAReceipt.status).toBe(200);
    expect(notAReceipt.body).not.toContain('CANARY');
  });

  it('shows a receipt page again in another language, with its receipt, reference, witness number and cleaned files', async () => {
    const receipt = '1111-2222-3333-4444-5555';
    const page = await post('/nojs/langue?lang=ar&page=receipt', {
      nojs: '1',
      ref: 'R-ABCD-EFGH-JKMN',
      receipt,
      file: ['image/jpeg gps,camera', 'application/pdf '],
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<p class="receipt-code" id="receipt-code" dir="ltr">${receipt}</p>`);
    expect(page.body).toContain('المرجع: R-ABCD-EFGH-JKMN');
    expect(page.body).toContain('الموقع (GPS)');
    expect(page.body).not.toContain('href="/?lang'); // a receipt page has no way away but its confirmation and the quick exit
    const witness = await post('/nojs/langue?lang=en&page=witness-receipt', {
      nojs: '1',
      ref: 'R-ABCD-EFGH-JKMN',
      receipt,
      number: 'W-ABCD-EFGH',
    });
    expect(witness.status).toBe(200);
    expect(witness.body).toContain('Your witness number: W-ABCD-EFGH');
  });

  it.each([
    ['a form without the <noscript> marker (a browser running JavaScript)', 'page=report', { what: 'CANARY' }],
    ['an unknown page', 'page=CANARY', { nojs: '1', what: 'CANARY' }],
    ['no page', '', { nojs: '1', what: 'CANARY' }],
    ['a receipt that is not 20 digits', 'page=receipt', { nojs: '1', ref: 'R-ABCD-EFGH-JKMN', receipt: 'CANARY-1234' }],
    ['a reference that is not one', 'page=receipt', { nojs: '1', ref: 'CANARY', receipt: '11112222333344445555' }],
    [
      'a cleaned file with an unknown type',
      'page=receipt',
      { nojs: '1', ref: 'R-ABCD-EFGH-JKMN', receipt: '11112222333344445555', file: 'text/CANARY gps' },
    ],
    [
      'a cleaned file with an unknown code',
      'page=receipt',
      { nojs: '1', ref: 'R-ABCD-EFGH-JKMN', receipt: '11112222333344445555', file: 'image/jpeg CANARY' },
    ],
    [
      'a witness receipt without a witness number',
      'page=witness-receipt',
      { nojs: '1', ref: 'R-ABCD-EFGH-JKMN', receipt: '11112222333344445555', number: 'CANARY' },
    ],
  ])('refuses %s with a 400 page that echoes nothing', async (_, query, fields) => {
    const res = await post(`/nojs/langue?lang=en&${query}`, fields);
    expect(res.status).toBe(400);
    expect(res.body).toContain('This page cannot be shown in another language.');
    expect(res.body).not.toContain('CANARY');
  });

  it('refuses a body that is not a form, and one over the form limit, echoing nothing', async () => {
    const junk = await fetch(`${server.url}/nojs/langue?page=report`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=zz' },
      body: '--zz\r\nCANARY',
    });
    expect(junk.status).toBe(400);
    expect(await junk.text()).not.toContain('CANARY');
    const huge = await fetch(`${server.url}/nojs/langue?page=report`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `nojs=1&what=${'CANARY'.repeat(100_000)}`,
    });
    expect(huge.status).toBe(413);
    expect(await huge.text()).not.toContain('CANARY');
  });
});

describe('what the strippers refuse without JavaScript', () => {
  it('is said in the page’s language, Arabic included, and nothing is sent', async () => {
    const before = await reportCount();
    const form = new FormData();
    for (const [k, v] of Object.entries({ nojs: '1', category: 'armes', what: 'Une vidéo', formToken: token() })) form.set(k, v);
    form.append('files', new Blob([readCorpus('exiftool-QuickTime.mov') as Uint8Array<ArrayBuffer>]), 'video.mov');
    const res = await fetch(`${server.url}/nojs/report?lang=ar`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('الملف 1: لا يمكن إرسال الفيديوهات والتسجيلات الصوتية');
    expect(body).toContain('لم يُرسَل أي شيء.');
    expect(await reportCount()).toBe(before);
  });
});

describe('the quick exit', () => {
  it('answers /sortie by clearing the site’s data and sending the browser to the neutral site, whatever it is sent', async () => {
    for (const path of ['/sortie', '/sortie?lang=ar&CANARY=1']) {
      const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('https://meteofrance.com/');
      expect(res.headers.get('clear-site-data')).toBe('"cache", "cookies", "storage"');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).not.toContain('CANARY');
    }
  });
});
