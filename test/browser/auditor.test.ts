// The auditor page (/audit/; issue 6 item 4, DESIGN promise 7) in real Chromium against a real
// server with its log key: the auditor logs in with their own key, loads their own copy of the log
// key, and the page verifies in the browser a log holding reports received, officers' logins and
// reads, then shows the verified entries with filters, a summary and an export equal to what
// `relais audit export` writes; its state file goes back and forth with `relais audit verify`;
// an entry changed in the SQLite file, a checkpoint signed by another key or for another log, a
// rolled-back or forked state are each shown as failures with no entry; logout leaves no key.
// Issue 11, with two real cosigners: the page shows the cosignatures, its own login and the rules
// checked, and fails — naming what — a checkpoint without the quorum (a fork shown to this
// auditor alone), a server that stops signing, a changed stored hash and a broken rule.
import { groupedHash } from '../../src/core/site-manifest.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { getReport, listReports, openPart, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { tempDir } from '../helpers/temp.ts';
// The rows and CSV that `relais audit export` writes (the page's download must be the same bytes).
import { rowOf as cliRowOf, toCsv as cliToCsv } from '../../src/client/audit-rows.ts';
import {
  base64Encode,
  Frontier,
  generateSignerKey,
  openCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
} from '../../src/core/tlog/index.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { launchChromium } from '../helpers/browser.ts';
import { relais } from '../helpers/cli.ts';
import { makeFixture, type TestServer } from '../helpers/fixture.ts';
import { keyFiles, startLogServer, staff, tamper } from '../log/helpers.ts';
import { startCosigners, useCosigners, type RunningCosigner } from '../log/cosigners.ts';
import { auditEntryJson } from '../../src/core/audit-entry.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const HOUR = 3600_000;
const ORIGIN = 'relais.test/log';
const work = tempDir('relais-auditor-');
let offset = 0;
let server: TestServer;
let browser: Browser;
let page: Page;
let logPub: string;
const refs: string[] = [];
const pageErrors: string[] = [];
let cosigners: RunningCosigner[] = [];

async function axeViolations(p: Page): Promise<string[]> {
  await p.evaluate(AXE);
  const result = await p.evaluate(() =>
    (
      window as unknown as {
        axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }),
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The log as the server stores it (read directly from the store, not through the page). */
async function storedEntries(): Promise<string[]> {
  return (await server.relais.store.audit.range(0, 1e9)).map((r) => r.entry);
}

async function servedCheckpoint(): Promise<{ size: number; root: string }> {
  const note = await (await fetch(`${server.url}/api/v1/log/checkpoint`)).text();
  const { checkpoint } = openCheckpoint(note, { origin: ORIGIN, logVerifier: parseVerifierKey(logPub) });
  return { size: checkpoint.size, root: base64Encode(checkpoint.rootHash) };
}

async function openAuditPage(member = 'auditor-f'): Promise<Page> {
  const p = await browser.newPage();
  p.on('pageerror', (e) => pageErrors.push(e.message));
  await p.goto(`${server.url}/audit/`);
  await p.waitForSelector('body[data-ready="true"]');
  const k = server.fixture.keys[member]!;
  await p.fill('#key-text', k.privateKey);
  await p.fill('#passphrase', k.passphrase);
  await p.click('#login-form button[type="submit"]');
  await p.waitForSelector('#audit-form, #not-auditor');
  return p;
}

/** Runs a verification in the page with the given log key (text or file) and state file. */
async function verifyInPage(
  p: Page,
  options: { keyText?: string; keyFile?: string; stateFile?: string | null; cosigners?: string; quorum?: string; maxAge?: string } = {},
): Promise<string> {
  await p.fill('#cosigner-keys', options.cosigners ?? cosigners.map((c) => c.verifierKey).join('\n'));
  await p.fill('#quorum', options.quorum ?? '2');
  await p.fill('#max-age', options.maxAge ?? '');
  if (options.keyText !== undefined) {
    await p.setInputFiles('#log-key-file', []);
    await p.fill('#log-key-text', options.keyText);
  } else {
    await p.fill('#log-key-text', '');
    await p.setInputFiles('#log-key-file', options.keyFile ?? join(server.fixture.dir, 'keys', 'log.pub'));
  }
  await p.setInputFiles('#state-file', options.stateFile ? [options.stateFile] : []);
  await p.click('#verify');
  await p.waitForSelector('#verdict', { timeout: 30_000 });
  return (await p.getAttribute('#verdict', 'data-verdict')) ?? '';
}

async function tableIndexes(p: Page): Promise<number[]> {
  return await p.$$eval('#audit-entries tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-index'))));
}

async function download(p: Page, button: string): Promise<string> {
  const [file] = await Promise.all([p.waitForEvent('download'), p.click(button)]);
  const path = join(work, `${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(path);
  return readFileSync(path, 'utf8');
}

/** A state file for the log key, as the CLI writes it, over `entries` (signed by the real log key). */
function signedState(entries: string[]): string {
  const frontier = Frontier.empty();
  for (const e of entries) frontier.appendEntry(new TextEncoder().encode(e));
  const note = signCheckpoint(
    { origin: ORIGIN, size: frontier.size, rootHash: frontier.root(), extensions: [] },
    parseSignerKey(server.fixture.logSignerKey),
  );
  const path = join(work, `state-${frontier.size}-${Date.now()}.json`);
  writeFileSync(
    path,
    `${JSON.stringify({ format: 'relais-audit-state/1', origin: ORIGIN, logKey: logPub, checkpoint: note, frontier: frontier.hashes.map(base64Encode) }, null, 2)}\n`,
  );
  return path;
}

beforeAll(async () => {
  const fx = await makeFixture();
  cosigners = await startCosigners(fx, ['inspection.example/witness', 'ngo.example/witness']);
  useCosigners(fx, cosigners, 2);
  server = await startLogServer(fx, { clock: () => Date.now() + offset });
  logPub = readFileSync(join(fx.dir, 'keys', 'log.pub'), 'utf8').trim();
  browser = await launchChromium();
  // Staff activity: three reports, two officers who log in, list and read, then the bucket closes.
  const resident = new ApiClient({ server: server.url });
  for (const [category, text] of [
    ['trafic', 'guetteurs tour B'],
    ['armes', 'arme vue hall 3'],
    ['trafic', 'nouveau point de deal'],
  ] as const) {
    refs.push((await submitReport(resident, { category, text })).ref);
  }
  const officer = await staff(server, 'officer-a');
  const key = await unlockPrivateKey(fx.keys['officer-a']!.privateKey, fx.keys['officer-a']!.passphrase);
  await listReports(officer);
  await openPart(officer, refs[0]!, 0, key);
  await openPart(officer, refs[1]!, 0, key);
  const city = await staff(server, 'city-c');
  await listReports(city);
  await getReport(city, refs[2]!);
  offset += HOUR + 2 * 60_000; // past the bucket's end and its grace period
  await runMaintenance(server.relais);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const c of cosigners) await c.stop();
});

describe('the auditor page', () => {
  it('verifies the whole log in the browser with the auditor’s own copy of the log key, and shows exactly the stored entries', async () => {
    const responses: { url: string; headers: Record<string, string> }[] = [];
    page = await openAuditPage();
    // The verification worker runs from a blob: URL of checked bytes; that is no server answer.
    page.on('response', (r) => r.url().startsWith('blob:') || responses.push({ url: r.url(), headers: r.headers() }));
    expect(await axeViolations(page)).toEqual([]);
    expect(await verifyInPage(page)).toBe('verified');

    const stored = await storedEntries();
    const { size, root } = await servedCheckpoint();
    expect(size).toBe(stored.length);
    expect(await page.textContent('#verdict-title')).toBe(`Journal vérifié jusqu’à la taille ${size}`);
    expect(await page.textContent('#verdict-root code')).toBe(root);
    expect(await page.textContent('#verdict-state')).toContain('Sans fichier d’état');
    expect(await page.textContent('#verdict-cosigned')).toMatch(
      /^Cosigné par 2 des 2 cosignataires que vous reconnaissez \(quorum 2\) : inspection\.example\/witness il y a \d+ s, ngo\.example\/witness il y a \d+ s\.$/,
    );
    expect(await page.textContent('#verdict-fresh')).toMatch(/^Votre connexion de cette vérification est l’entrée n° \d+/);
    expect(await page.textContent('#verdict-rules')).toMatch(
      /Clés : \d+ actions du personnel.*Appartenance : 3 lectures.*Deux personnes : 0/,
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('verdict');

    // Reports received, officers' logins and reads: each stored entry, in order, in the table.
    expect(stored.map((e) => JSON.parse(e).action)).toEqual(
      expect.arrayContaining(['report.received', 'staff.login', 'report.list', 'report.read']),
    );
    expect(await tableIndexes(page)).toEqual(stored.map((_, i) => i));
    const cells = await page.$$eval('#audit-entries tbody tr', (rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
    );
    stored.forEach((entry, i) => {
      const e = JSON.parse(entry);
      expect(cells[i]!.slice(2, 6), `entry ${i}`).toEqual([e.action, e.actor, e.report ?? '', e.inbox ?? '']);
    });
    // Staff times to the second, receipts only as their bucket.
    const received = stored.findIndex((e) => JSON.parse(e).action === 'report.received');
    const bucket = JSON.parse(stored[received]!).bucket as string;
    expect(await page.getAttribute(`#audit-entries tr[data-index="${received}"] time`, 'datetime')).toBe(bucket);
    expect(await page.textContent(`#audit-entries tr[data-index="${received}"] td:nth-child(2)`)).toMatch(/^tranche débutant le /);
    const read = stored.findIndex((e) => JSON.parse(e).action === 'report.read');
    expect(await page.getAttribute(`#audit-entries tr[data-index="${read}"] time`, 'datetime')).toBe(JSON.parse(stored[read]!).time);
    expect(await page.$$eval('#audit-entries th[scope="col"]', (ths) => ths.length)).toBe(7);
    expect(await page.textContent('#audit-summary')).toContain('member:officer-a');
    expect(await axeViolations(page)).toEqual([]);

    for (const path of ['/audit/', '/assets/auditor.js', '/assets/auditor-worker.js']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      responses.push({ url: `${server.url}${path}`, headers: Object.fromEntries(res.headers) });
    }
    for (const r of responses) {
      expect(r.headers['content-security-policy'], r.url).toMatch(
        /default-src 'none'.*script-src 'self' blob:.*worker-src blob:.*frame-ancestors 'none'/,
      );
      expect(r.headers['content-security-policy'], r.url).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(r.headers['cache-control'], r.url).toBe('no-store');
    }
    expect(responses.map((r) => new URL(r.url).pathname)).toEqual(
      expect.arrayContaining(['/api/v1/log/checkpoint', '/api/v1/log/entries']),
    );
    expect(pageErrors).toEqual([]);
  });

  it('shows the code served to residents from the verified log: when, version and manifest hash, newest first', async () => {
    const deployed = (await storedEntries()).map((e, i) => ({ i, e: JSON.parse(e) })).filter(({ e }) => e.action === 'site.deployed');
    expect(deployed.length).toBeGreaterThan(0);
    const rows = await page.$$eval('#deployments tbody tr', (trs) =>
      trs.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows.map((r) => Number(r[0]))).toEqual(deployed.map(({ i }) => i).reverse());
    expect(rows[0]!.slice(2)).toEqual([
      '0.1.0',
      server.relais.site.build.commit ?? 'inconnu',
      groupedHash(server.relais.site.published!.hash),
    ]);
    expect(await page.getAttribute('#deployments tbody tr time', 'datetime')).toBe(deployed.at(-1)!.e.time);
  });

  it('narrows the table with each filter, counts per actor and action, and exports exactly the filtered entries as the CLI would', async () => {
    const stored = (await storedEntries()).slice(0, await page.$$eval('#audit-entries tbody tr', (r) => r.length));
    const parsed = stored.map((e) => JSON.parse(e));
    const only = (pred: (e: any) => boolean) => parsed.flatMap((e, i) => (pred(e) ? [i] : []));

    await page.selectOption('#filter-actor', 'member:officer-a');
    await page.click('#filter-apply');
    const byOfficer = only((e) => e.actor === 'member:officer-a');
    expect(byOfficer.length).toBeGreaterThanOrEqual(4);
    expect(await tableIndexes(page)).toEqual(byOfficer);
    expect(await page.textContent('#filter-count')).toBe(
      `${byOfficer.length} entrée(s) vérifiée(s) sur ${stored.length} correspondent aux filtres.`,
    );
    const summary = await page.$$eval('#audit-summary tbody tr', (rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent).join(' ')),
    );
    expect(summary).toEqual(['member:officer-a report.list 1', 'member:officer-a report.read 2', 'member:officer-a staff.login 1']);

    const csv = await download(page, '#export-csv');
    expect(csv).toBe(cliToCsv(byOfficer.map((i) => cliRowOf(i, stored[i]!))));
    const json = JSON.parse(await download(page, '#export-json'));
    expect(json).toEqual(JSON.parse(JSON.stringify(byOfficer.map((i) => cliRowOf(i, stored[i]!)))));

    await page.selectOption('#filter-action', 'report.read');
    await page.fill('#filter-report', refs[1]!.slice(2, 9).toLowerCase());
    await page.click('#filter-apply');
    expect(await tableIndexes(page)).toEqual(
      only((e) => e.actor === 'member:officer-a' && e.action === 'report.read' && e.report === refs[1]),
    );

    await page.click('#filter-reset');
    await page.selectOption('#filter-action', 'report.received');
    await page.click('#filter-apply');
    expect(await tableIndexes(page)).toEqual(only((e) => e.action === 'report.received'));
    expect(await tableIndexes(page)).toHaveLength(3);

    // Dates: a range far in the past holds nothing; the range of the entries' own dates holds them all.
    await page.click('#filter-reset');
    await page.fill('#filter-from', '2000-01-01');
    await page.fill('#filter-to', '2000-01-31');
    await page.click('#filter-apply');
    expect(await page.isVisible('#entries-empty')).toBe(true);
    expect(await page.isDisabled('#export-csv')).toBe(true);
    const [first, last] = await page.evaluate((times: string[]) => {
      const day = (t: string) => new Date(Date.parse(t)).toLocaleDateString('en-CA');
      return [day(times[0]!), day(times.at(-1)!)];
    }, [...parsed.map((e) => (e.time ?? e.bucket) as string)].sort());
    await page.fill('#filter-from', first!);
    await page.fill('#filter-to', last!);
    await page.click('#filter-apply');
    expect(await tableIndexes(page)).toEqual(parsed.map((_, i) => i));
    await page.fill('#filter-to', first!);
    await page.fill('#filter-from', first!);
    await page.click('#filter-apply');
    expect((await tableIndexes(page)).length).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('offers the state file, which relais audit verify accepts, and verifies against the state the command saved', async () => {
    const state = join(work, 'page-state.json');
    writeFileSync(state, await download(page, '#download-state'));
    const size = Number(JSON.parse(readFileSync(state, 'utf8')).checkpoint.split('\n')[1]);
    const auditor = keyFiles(server.fixture, 'auditor-f');
    const run = await relais([
      'audit',
      'verify',
      '--server',
      server.url,
      '--state',
      state,
      '--key',
      auditor.key,
      '--passphrase-file',
      auditor.pass,
      '--log-key',
      join(server.fixture.dir, 'keys', 'log.pub'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`consistent with your last checkpoint of ${size} entries`);
    const saved = Number(JSON.parse(readFileSync(state, 'utf8')).checkpoint.split('\n')[1]);
    expect(saved).toBeGreaterThan(size);

    expect(await verifyInPage(page, { keyText: logPub, stateFile: state })).toBe('verified');
    expect(await page.textContent('#verdict-state')).toBe(
      `Ce journal prolonge celui de votre fichier d’état (${saved} entrées), relues une à une : rien n’en a été retiré ni réécrit.`,
    );
    expect(await tableIndexes(page)).toEqual((await storedEntries()).map((_, i) => i));
  });
});

describe('the auditor page, when the log is not what its checkpoint says', () => {
  async function expectFailure(code: string, reason: string | RegExp): Promise<void> {
    expect(await page.getAttribute('#verdict', 'data-verdict')).toBe(code);
    expect(await page.textContent('#verdict-reason')).toMatch(reason);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('verdict');
    expect(await page.$$('#audit-log, #audit-entries, #download-state')).toEqual([]);
  }

  it('names an entry changed in the SQLite file and shows no entry', async () => {
    const stored = await storedEntries();
    const idx = stored.findIndex((e) => JSON.parse(e).action === 'report.read');
    const original = stored[idx]!;
    tamper(server.dbPath, (db) =>
      db.prepare('UPDATE audit_entries SET entry = ? WHERE idx = ?').run(original.replace('member:officer-a', 'member:officer-b'), idx),
    );
    try {
      expect(await verifyInPage(page)).toBe('changed-entry');
      await expectFailure(
        'changed-entry',
        `L’entrée n° ${idx} n’est pas celle à laquelle le point de contrôle signé s’engage : elle a été modifiée, déplacée ou remplacée.`,
      );
      expect(await page.textContent('#verdict')).toContain('ÉCHEC de la vérification du journal');
      expect(await axeViolations(page)).toEqual([]);
      // With the state file of an earlier run, the entry is named as one verified before (issue 11).
      expect(await verifyInPage(page, { stateFile: join(work, 'page-state.json') })).toBe('changed-entry');
      expect(await page.textContent('#verdict-detail')).toContain(`entry #${idx}, which you verified before, is served changed`);
    } finally {
      tamper(server.dbPath, (db) => db.prepare('UPDATE audit_entries SET entry = ? WHERE idx = ?').run(original, idx));
    }
    expect(await verifyInPage(page)).toBe('verified');
  });

  it('refuses a checkpoint signed by another key, or by the log key for another log', async () => {
    const { size, root } = await servedCheckpoint();
    const rootHash = Uint8Array.from(Buffer.from(root, 'base64'));
    const impostor = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
    const forged = signCheckpoint({ origin: ORIGIN, size, rootHash, extensions: [] }, impostor);
    const elsewhere = signCheckpoint(
      { origin: 'relais.other/log', size, rootHash, extensions: [] },
      parseSignerKey(server.fixture.logSignerKey),
    );
    for (const [note, code, reason] of [
      [forged, 'bad-signature', 'Le point de contrôle du serveur n’est pas signé par la clé du journal que vous avez chargée.'],
      [elsewhere, 'wrong-origin', 'Le point de contrôle du serveur est celui d’un autre journal que celui de votre clé.'],
    ] as const) {
      await page.route('**/api/v1/log/checkpoint', (route) =>
        route.fulfill({ status: 200, contentType: 'text/plain; charset=utf-8', body: note }),
      );
      expect(await verifyInPage(page)).toBe(code);
      await expectFailure(code, reason);
      expect(await download(page, '#download-checkpoint')).toBe(note);
      await page.unroute('**/api/v1/log/checkpoint');
    }
  });

  it('catches a rollback and a fork against a state the auditor saved, and refuses a key or state that is not one', async () => {
    const stored = await storedEntries();
    const ahead = signedState([...stored, '{"action":"staff.login","actor":"member:officer-b","time":"2030-01-01T00:00:00Z","v":1}']);
    expect(await verifyInPage(page, { stateFile: ahead })).toBe('rollback');
    await expectFailure(
      'rollback',
      'Le serveur présente un journal plus court que celui de votre fichier d’état : le journal a été ramené en arrière.',
    );

    const rewritten = stored.slice(0, 5).map((e, i) => (i === 2 ? e.replace('"v":1', '"v":2') : e));
    expect(await verifyInPage(page, { stateFile: signedState(rewritten) })).toBe('fork');
    await expectFailure('fork', 'Le journal du serveur ne prolonge pas celui de votre fichier d’état : il a été bifurqué ou réécrit.');

    expect(await verifyInPage(page, { keyText: 'not a key' })).toBe('log-key');
    await expectFailure('log-key', /^Ce n’est pas une clé publique de journal/);
    const otherLog = join(work, 'other-log.pub');
    writeFileSync(otherLog, `${generateSignerKey(ORIGIN).verifierKey}\n`);
    expect(await verifyInPage(page, { keyFile: otherLog, stateFile: ahead })).toBe('state');
    await expectFailure('state', 'Ce fichier d’état est celui d’un autre journal ou d’une autre clé.');
    expect(pageErrors).toEqual([]);
  });
});

describe('the auditor page against a server that works against its auditors (issue 11)', () => {
  async function expectFailure(code: string, reason: string | RegExp): Promise<void> {
    expect(await page.getAttribute('#verdict', 'data-verdict')).toBe(code);
    expect(await page.textContent('#verdict-reason')).toMatch(reason);
    expect(await page.$$('#audit-log, #audit-entries, #download-state')).toEqual([]);
  }

  it('fails a checkpoint that lacks the quorum of cosignatures: a fork shown to this auditor alone', async () => {
    const note = await (await fetch(`${server.url}/api/v1/log/checkpoint`)).text();
    const logOnly = note
      .split('\n')
      .filter((l) => !l.includes('/witness '))
      .join('\n');
    await page.route('**/api/v1/log/checkpoint', (route) =>
      route.fulfill({ status: 200, contentType: 'text/plain; charset=utf-8', body: logOnly }),
    );
    try {
      expect(await verifyInPage(page, { quorum: '1' })).toBe('quorum');
      await expectFailure('quorum', /^Le point de contrôle n’a pas assez de cosignatures de vos cosignataires/);
    } finally {
      await page.unroute('**/api/v1/log/checkpoint');
    }
  });

  it('names a changed stored hash, whose proofs are wrong', async () => {
    let original: Buffer | undefined;
    tamper(server.dbPath, (db) => {
      original = (db.prepare('SELECT hash FROM log_hashes WHERE idx = 3').get() as { hash: Buffer }).hash;
      db.prepare('UPDATE log_hashes SET hash = ? WHERE idx = 3').run(Buffer.alloc(32, 9));
    });
    try {
      expect(await verifyInPage(page)).toBe('stored-hash');
      await expectFailure('stored-hash', /^Une empreinte stockée par le serveur n’est pas celle que donnent les entrées/);
      expect(await page.textContent('#verdict-detail')).toContain('stored hash #3');
    } finally {
      tamper(server.dbPath, (db) => db.prepare('UPDATE log_hashes SET hash = ? WHERE idx = 3').run(original));
    }
  });

  it('fails when the server stops signing: a new login is not in a witnessed checkpoint', async () => {
    const integrate = server.relais.tlog.integrateOrReport.bind(server.relais.tlog);
    server.relais.tlog.integrateOrReport = async () => null;
    const fresh = await openAuditPage();
    try {
      expect(await verifyInPage(fresh)).toBe('own-login');
      expect(await fresh.textContent('#verdict-reason')).toMatch(
        /^Votre propre connexion de cette vérification n’est pas dans le point de contrôle/,
      );
    } finally {
      server.relais.tlog.integrateOrReport = integrate;
      await integrate();
      await fresh.close();
    }
  });
});

describe('the auditor page’s session', () => {
  it('drops the key on logout: the page reloads empty and the old token is refused', async () => {
    const tokens: string[] = [];
    page.on('request', (r) => {
      const auth = r.headers().authorization;
      if (auth) tokens.push(auth);
    });
    expect(await verifyInPage(page)).toBe('verified');
    expect(tokens.length).toBeGreaterThan(0);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.click('#logout');
    await page.waitForURL(/\/audit\/\?ended=logout$/);
    await page.waitForSelector('#login-form');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
    expect(await page.inputValue('#key-text')).toBe('');
    expect(await page.inputValue('#passphrase')).toBe('');
    expect(await page.$$('#audit-form, #verdict, #audit-entries')).toEqual([]);
    // Nothing was kept in any storage the browser has either.
    expect(
      await page.evaluate(async () => ({
        local: localStorage.length,
        session: sessionStorage.length,
        idb: (await indexedDB.databases()).length,
        caches: (await caches.keys()).length,
        cookie: document.cookie,
      })),
    ).toEqual({ local: 0, session: 0, idb: 0, caches: 0, cookie: '' });
    const res = await fetch(`${server.url}/api/v1/log/entries?start=0&end=1`, { headers: { Authorization: tokens.at(-1)! } });
    expect(res.status).toBe(401);
    await page.close();
  });

  it('tells an officer who logs in here that the page is for auditors', async () => {
    const p = await openAuditPage('officer-b');
    expect(await p.textContent('#not-auditor')).toContain('réservée aux auditeurs');
    expect(await p.$$('#audit-form')).toEqual([]);
    await p.close();
  });
});

// Last: the log keeps this broken rule for good.
describe('the auditor page and the log’s rules', () => {
  it('names the entry of a read by a member of another inbox, written into the database', async () => {
    const armes = refs[1]!; // routed to the police inbox only
    let index = 0;
    tamper(server.dbPath, (db) => {
      index = (db.prepare('SELECT MAX(idx) + 1 AS n FROM audit_entries').get() as { n: number }).n;
      const entry = auditEntryJson({
        action: 'report.read',
        actor: 'member:city-c',
        time: Date.now(),
        report: armes,
        details: { part: 0 },
      });
      db.prepare('INSERT INTO audit_entries (idx, entry) VALUES (?, ?)').run(index, entry);
    });
    await server.relais.tlog.integrateOrReport();
    const p = await openAuditPage();
    expect(await verifyInPage(p)).toBe('rule');
    expect(await p.getAttribute('#verdict', 'data-verdict')).toBe('rule');
    expect(await p.textContent('#verdict-reason')).toBe(
      `L’entrée n° ${index} enfreint une règle du journal (deux dépositaires, appartenance au service, ou clé hors de la configuration en vigueur).`,
    );
    expect(await p.textContent('#verdict-detail')).toContain(`report.read of ${armes} by city-c, who was not then a member of police`);
    expect(await p.$$('#audit-entries')).toEqual([]);
    expect(pageErrors).toEqual([]);
    await p.close();
  });
});
