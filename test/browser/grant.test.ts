// The console's part of issue 14, in real Chromium: after officer-b is replaced by officer-n, whose
// key expires in ten days, officer-a logs in, sees the banner about officer-n's key, opens an
// earlier report, and gives the current members access to it from the page; the report's
// encrypted packet is unchanged and officer-n can now open it. axe finds nothing on that view.
import * as openpgp from 'openpgp';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { openPart, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { splitSealed } from '../../src/core/witness-seal.ts';
import { launchChromium } from '../helpers/browser.ts';
import { makeFixture, startTestServer, type TestKey, type TestServer } from '../helpers/fixture.ts';
import { staffClient } from '../helpers/staff.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let server: TestServer;
let browser: Browser;
let ref = '';
let before: Uint8Array;
let newcomer: TestKey;

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run(d: Document, o: object): Promise<{ violations: { id: string }[] }> } }).axe.run(document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    }),
  );
  return result.violations.map((v) => v.id);
}

beforeAll(async () => {
  const fx = await makeFixture();
  const dbPath = join(fx.dir, 'relais.db');
  server = await startTestServer(fx, { dbPath });
  ref = (await submitReport(new ApiClient({ server: server.url }), { category: 'armes', text: 'Avant le changement' }, { followUp: false }))
    .ref;
  before = (await server.relais.store.reports.partBytes(ref, 0))!;
  const generated = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Police — nouvelle' }],
    passphrase: 'nouvelle phrase de passe',
    keyExpirationTime: 10 * 86_400,
    format: 'armored',
  });
  newcomer = { ...generated, passphrase: 'nouvelle phrase de passe' };
  fx.keys['officer-n'] = newcomer;
  writeFileSync(join(fx.dir, 'keys', 'officer-n.asc'), newcomer.publicKey);
  const json = structuredClone(fx.json) as any;
  json.inboxes[0].members = [json.inboxes[0].members[0], { id: 'officer-n', name: 'Nouvelle liaison', key: 'keys/officer-n.asc' }];
  writeFileSync(fx.configPath, JSON.stringify(json));
  await server.close();
  server = await startTestServer(fx, { dbPath });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the console after a member was replaced', () => {
  it('warns about a key that expires soon and gives the current members access to an earlier report', async () => {
    const keyFile = join(server.fixture.dir, 'officer-a.key.asc');
    writeFileSync(keyFile, server.fixture.keys['officer-a']!.privateKey);
    const page = await browser.newPage();
    await page.goto(`${server.url}/console/?lang=fr`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.setInputFiles('#key-file', keyFile);
    await page.fill('#passphrase', server.fixture.keys['officer-a']!.passphrase);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#reports');
    expect(await page.textContent('#key-warnings')).toContain('La clé de Nouvelle liaison expire le');

    await page.click(`#reports button[data-ref="${ref}"]`);
    await page.waitForSelector('#grant-panel');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('#grant');
    await expect.poll(() => page.textContent('#grant-result'), { timeout: 30_000 }).toContain('C’est fait : 1 élément(s)');
    await page.close();

    const after = (await server.relais.store.reports.partBytes(ref, 0))!;
    expect(splitSealed(after).encrypted).toEqual(splitSealed(before).encrypted);
    const n = await staffClient(server, 'officer-n');
    const opened = await openPart(n, ref, 0, await unlockPrivateKey(newcomer.privateKey, newcomer.passphrase));
    expect(new TextDecoder().decode(opened.content)).toBe('Avant le changement');
  });
});
