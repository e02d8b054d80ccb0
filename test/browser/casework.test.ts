// Casework at scale in real Chromium (issue 15 §1), with 500 reports sealed to the police inbox:
// find one by a reference typed loosely, work the "open" view, assign, answer, bulk-close; the
// resident's message sits where it belongs in the conversation and shows its bucket as a range;
// new messages are marked; a decrypted attachment stays open across a reply without a new
// logged read; previews are decrypted only when asked. One server and one browser for the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { openConversation, sendMessage } from '../../src/client/followup.ts';
import { getFigures, getReport, listReports, reply } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { verifyCaseExport } from '../../src/core/case-verify.ts';
import { bucketStart } from '../../src/server/context.ts';
import { launchChromium } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { type Seeded, seedReports } from '../helpers/seed.ts';
import { staffClient } from '../helpers/staff.ts';
import { tempDir } from '../helpers/temp.ts';

const work = tempDir('relais-casework-');
let server: TestServer;
let browser: Browser;
let page: Page;
let seeded: Seeded[] = [];
let target = '';
let receipt = '';

/** Clicks, then waits until the view has been rendered anew (its old heading is marked first). */
async function clickAndRender(selector: string): Promise<void> {
  await page.evaluate(() => document.querySelector('#app h1')?.setAttribute('data-stale', ''));
  await page.click(selector);
  await page.waitForSelector('#app h1:not([data-stale])');
}

async function auditEntries(): Promise<{ action: string; actor: string; report?: string; details?: Record<string, unknown> }[]> {
  const size = await server.relais.store.audit.size();
  return (await server.relais.store.audit.range(0, size)).map((e) => JSON.parse(e.entry));
}

beforeAll(async () => {
  server = await startTestServer();
  const firstBucket = bucketStart(Date.now(), 3600) - 3600 * 24 * 10;
  seeded = await seedReports(server, 500, { firstBucket, text: (i) => `Guetteurs au bâtiment ${i}, le soir\nsuite du texte` });
  // three reports of another category in the same hours: a count under k
  await seedReports(server, 3, { firstBucket, category: 'prevention' });
  // one report filed through the real API, with a receipt, an attachment and a conversation:
  // the resident writes, then an officer replies, in the same hour
  const filed = await submitReport(new ApiClient({ server: server.url }), {
    category: 'armes',
    text: 'Un fusil dans la cave du 12',
    attachments: [{ contentType: 'text/plain; charset=utf-8', bytes: new TextEncoder().encode('plan de la cave') }],
  });
  target = filed.ref;
  receipt = filed.receipt as string;
  const conversation = await openConversation(new ApiClient({ server: server.url }), receipt);
  await sendMessage(conversation, 'J’ai oublié : il y a aussi des munitions.');
  const b = await staffClient(server, 'officer-b');
  await reply(b, target, { text: 'Merci, nous regardons.' });
  const k = server.fixture.keys['officer-a']!;
  writeFileSync(join(work, 'a.key.asc'), k.privateKey);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${server.url}/console/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.setInputFiles('#key-file', join(work, 'a.key.asc'));
  await page.fill('#passphrase', k.passphrase);
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('#reports');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the city’s figures in the console', () => {
  it('shows an analyst the figures with no count under k, a chart and a CSV, and never a report', async () => {
    const analyst = await browser.newPage();
    const k = server.fixture.keys['analyst-g']!;
    writeFileSync(join(work, 'g.key.asc'), k.privateKey);
    await analyst.goto(`${server.url}/console/`);
    await analyst.waitForSelector('body[data-ready="true"]');
    await analyst.setInputFiles('#key-file', join(work, 'g.key.asc'));
    await analyst.fill('#passphrase', k.passphrase);
    await analyst.click('#login-form button[type="submit"]');
    await analyst.waitForSelector('#figures-weeks');
    expect(await analyst.locator('#reports').count()).toBe(0);
    const counts = await analyst.$$eval('table.figures td', (cells) => cells.map((c) => c.textContent ?? ''));
    expect(counts.length).toBeGreaterThan(0);
    for (const text of counts) {
      if (text.startsWith('<')) expect(text).toBe('< 5');
      else expect(Number(text)).toBeGreaterThanOrEqual(5);
    }
    // the 500 reports show; the 3 of another category do not
    const figures = await getFigures(await staffClient(server, 'analyst-g'));
    expect(figures.categoryTotals).toMatchObject({ armes: 500, prevention: null });
    expect(counts).not.toContain('3');
    expect(await analyst.locator('#figures-chart rect').count()).toBeGreaterThan(0);
    const [download] = await Promise.all([analyst.waitForEvent('download'), analyst.click('#figures-csv')]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\n')[0]).toBe('kind,period,category,count');
    expect(csv).toContain(',prevention,<5');
    const reads = (await auditEntries()).filter((e) => e.action === 'stats.read' && e.actor === 'member:analyst-g');
    expect(reads.map((e) => e.details)).toEqual([{ format: 'json' }, { format: 'json' }, { format: 'csv' }]);
    await analyst.close();
  });
});

describe('casework in the console with 500 reports', () => {
  it('opens on the open view, says how many there are without counting past the cap, and pages through', async () => {
    expect(await page.inputValue('#filter-view')).toBe('open');
    expect(await page.textContent('#reports caption')).toBe('501 signalement(s)');
    expect(await page.locator('#reports tbody tr').count()).toBe(50);
  });

  it('finds a report by its reference typed in lower case without dashes, and by its first characters', async () => {
    await page.fill('#search', target.toLowerCase().replace(/-/g, ''));
    await clickAndRender('#search-form button[type="submit"]');
    await page.waitForSelector(`#reports tr[data-ref="${target}"]`);
    expect(await page.locator('#reports tbody tr').count()).toBe(1);
    await page.fill('#search', target.slice(0, 6));
    await clickAndRender('#search-form button[type="submit"]');
    await page.waitForSelector(`#reports tr[data-ref="${target}"]`);
    // a search that cannot be a reference is refused, and the text is not echoed
    await page.fill('#search', 'tour B');
    await clickAndRender('#search-form button[type="submit"]');
    await page.waitForSelector('#reports-empty[role="alert"]');
    expect(await page.textContent('main')).not.toContain('tour B');
  });

  it('shows the conversation in its order with the resident’s time as a bucket range, marks what is new, and assigns the report', async () => {
    await page.fill('#search', target);
    await clickAndRender('#search-form button[type="submit"]');
    await clickAndRender(`#reports button[data-ref="${target}"]`);
    await page.waitForSelector('#messages');
    const items = page.locator('#messages li');
    expect(await items.count()).toBe(2);
    // the resident wrote first, the officer answered: the resident's message (stored at its
    // bucket start, before the reply's exact time) stays first, by the conversation's order
    expect(await items.nth(0).getAttribute('class')).toContain('resident');
    expect(await items.nth(0).textContent()).toMatch(/entre \d{1,2} h et \d{1,2} h/);
    expect(await items.nth(0).textContent()).not.toMatch(/\d{1,2}:\d{2}:\d{2}/);
    expect(await items.nth(1).getAttribute('class')).toContain('staff');
    // neither was opened by officer-a before: both marked new
    expect(await page.locator('#messages li.fresh').count()).toBe(2);
    await page.selectOption('#assign-police', 'officer-a');
    await clickAndRender('#assign form[data-inbox="police"] button');
    await expect
      .poll(async () => (await getReport(await staffClient(server, 'officer-b'), target)).assignees)
      .toEqual({ police: 'officer-a' });
    const logged = (await auditEntries()).filter((e) => e.action === 'report.assigned');
    expect(logged).toEqual([
      expect.objectContaining({ actor: 'member:officer-a', report: target, inbox: 'police', details: { member: 'officer-a' } }),
    ]);
  });

  it('keeps a decrypted attachment open across a reply without logging a new read, and logs a real new read', async () => {
    const downloads = async () => (await auditEntries()).filter((e) => e.action === 'attachment.download' && e.report === target).length;
    await page.waitForSelector('button[data-part="1"]');
    await page.click('button[data-part="1"]');
    await page.waitForSelector('.attachment a');
    expect(await downloads()).toBe(1);
    const reads = (await auditEntries()).filter((e) => e.report === target && e.actor === 'member:officer-a').length;
    await page.fill('#reply-text', 'Pouvez-vous préciser l’escalier ?');
    await clickAndRender('#reply-form button[type="submit"]');
    await expect.poll(() => page.locator('#messages li').count()).toBe(3);
    await page.waitForSelector('.attachment a');
    expect(await downloads()).toBe(1);
    // the reply is logged, and the one real new read: the new message (index 2), shown once;
    // nothing already shown (the report, the attachment, the earlier messages) is read again
    // (metadata reads, report.detail, are logged for every request that serves them: set aside here)
    const after = (await auditEntries()).filter((e) => e.report === target && e.actor === 'member:officer-a');
    expect(
      after
        .slice(reads)
        .filter((e) => e.action !== 'report.detail')
        .map((e) => [e.action, e.details]),
    ).toEqual([
      ['report.reply', { attachments: 0 }],
      ['report.read', { message: 2 }],
    ]);
    // the new messages stay marked until the report is left
    expect(await page.locator('#messages li.fresh').count()).toBe(2);
    // leaving and coming back is a new read: logged again, and nothing is marked new any more
    await clickAndRender('#back');
    await page.waitForSelector('#reports');
    await page.fill('#search', target);
    await clickAndRender('#search-form button[type="submit"]');
    await clickAndRender(`#reports button[data-ref="${target}"]`);
    await page.waitForSelector('#messages');
    expect(await page.locator('#messages li.fresh').count()).toBe(0);
    await page.click('button[data-part="1"]');
    await page.waitForSelector('.attachment a');
    expect(await downloads()).toBe(2);
    await clickAndRender('#back');
    await page.waitForSelector('#reports');
  });

  it('exports a report as a zip that verifies offline and says it holds the report in clear', async () => {
    const one = seeded[7] as Seeded;
    await page.fill('#search', one.ref);
    await clickAndRender('#search-form button[type="submit"]');
    await clickAndRender(`#reports button[data-ref="${one.ref}"]`);
    await page.waitForSelector('#export');
    expect(await page.textContent('#export-section')).toContain('EN CLAIR');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    expect(download.suggestedFilename()).toBe(`${one.ref}.zip`);
    const zip = new Uint8Array(readFileSync(await download.path()));
    const files = new Map(Object.entries(unzipSync(zip)));
    const logVerifierKey = readFileSync(join(server.fixture.dir, 'keys', 'log.pub'), 'utf8');
    await expect(verifyCaseExport(files, { logVerifierKey })).resolves.toMatchObject({ ref: one.ref, parts: 1 });
    expect(new TextDecoder().decode(files.get('contenu/partie-0-report.txt'))).toBe(one.text);
    expect((await auditEntries()).filter((e) => e.action === 'report.exported').map((e) => e.report)).toEqual([one.ref]);
    await clickAndRender('#back');
    await page.waitForSelector('#reports');
  });

  it('lists the assigned report in "mine", sorts by last activity, shows previews only when asked, and bulk-closes', async () => {
    await clickAndRender('#search-clear');
    await page.waitForSelector('#reports');
    await page.selectOption('#filter-view', 'mine');
    await clickAndRender('#filters button[type="submit"]');
    await page.waitForSelector(`#reports tr[data-ref="${target}"]`);
    expect(await page.locator('#reports tbody tr').count()).toBe(1);

    await page.selectOption('#filter-view', 'open');
    await page.selectOption('#filter-sort', 'activity');
    await clickAndRender('#filters button[type="submit"]');
    await page.waitForSelector('#reports');
    await expect.poll(() => page.locator('#reports tbody tr').first().getAttribute('data-ref')).toBe(target);
    // the activity column says the hour range, never the time of the resident's message
    expect(await page.locator('#reports tbody tr td.activity').first().textContent()).toMatch(/entre \d{1,2} h et \d{1,2} h/);

    const rows = page.locator('#reports tbody tr');
    const second = (await rows.nth(1).getAttribute('data-ref')) as string;
    expect(await page.locator(`tr[data-ref="${second}"] .preview`).textContent()).toBe('');
    await page.click('#show-previews');
    const text = seeded.find((s) => s.ref === second)?.text.split('\n')[0];
    await expect.poll(() => page.locator(`tr[data-ref="${second}"] .preview`).textContent(), { timeout: 30_000 }).toBe(text);

    const picked = [1, 2, 3].map(async (i) => (await rows.nth(i).getAttribute('data-ref')) as string);
    const refs = await Promise.all(picked);
    for (const ref of refs) await page.check(`tr[data-ref="${ref}"] input.pick`);
    await page.selectOption('#bulk-status', 'closed');
    await clickAndRender('#bulk-apply');
    await expect.poll(() => page.locator(`tr[data-ref="${refs[0]}"]`).count()).toBe(0);
    const api = await staffClient(server, 'officer-b');
    const closed = await listReports(api, { status: 'closed', perPage: 200 });
    expect(closed.reports.map((r) => r.ref).sort()).toEqual([...refs].sort());
    const logged = (await auditEntries()).filter((e) => e.action === 'report.status' && e.details?.bulk === true);
    expect(logged.map((e) => e.report).sort()).toEqual([...refs].sort());
    expect(await page.textContent('#reports caption')).toBe('498 signalement(s)');
  });
});
