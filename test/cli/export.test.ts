// Case export (issue 15 §2): `relais export` writes the decrypted report, attachments and
// conversation, the sealed parts with their session keys and the log proof; `relais
// verify-export` checks it offline with the auditor's own copy of the log key and fails on any
// changed byte; GnuPG decrypts a part with nothing but its exported session key; the export is
// logged; a report whose receipt is not yet in a signed checkpoint cannot be exported.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { openConversation, sendMessage } from '../../src/client/followup.ts';
import { reply } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { verifyCaseExport } from '../../src/core/case-verify.ts';
import { generateSignerKey } from '../../src/core/tlog/index.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { relais } from '../helpers/cli.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';
import { outcome, staffClient } from '../helpers/staff.ts';

const work = mkdtempSync(join(tmpdir(), 'relais-export-'));
let server: TestServer;
let now = Date.now();
let ref = '';
let fresh = '';
let keyFile = '';
let passFile = '';
let logKey = '';

function readTree(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p).split(sep).join('/'), new Uint8Array(readFileSync(p)));
    }
  };
  walk(dir);
  return files;
}

async function entries(): Promise<{ action: string; actor: string; report?: string; details?: Record<string, unknown> }[]> {
  const size = await server.relais.store.audit.size();
  return (await server.relais.store.audit.range(0, size)).map((e) => JSON.parse(e.entry));
}

const exportArgs = (r: string, out: string, extra: string[] = []) => [
  'export',
  '--server',
  server.url,
  '--key',
  keyFile,
  '--passphrase-file',
  passFile,
  '--ref',
  r,
  '--out',
  out,
  ...extra,
];

beforeAll(async () => {
  server = await startTestServer(undefined, { clock: () => now });
  const filed = await submitReport(new ApiClient({ server: server.url }), {
    category: 'temoin',
    text: 'J’ai vu la remise des armes au pied de la tour C',
    identity: 'Nom : Témoin Protégé, joignable le soir',
    attachments: [{ contentType: 'text/plain; charset=utf-8', bytes: new TextEncoder().encode('plan du hall') }],
  });
  ref = filed.ref;
  const conversation = await openConversation(new ApiClient({ server: server.url }), filed.receipt as string);
  await sendMessage(conversation, 'Ils reviennent le jeudi.');
  await reply(await staffClient(server, 'officer-b'), ref, { text: 'Merci, bien reçu.', status: 'in-progress' });
  // the hour closes: the receipt (with the part hashes) is logged and a checkpoint signed
  now += 2 * 3600_000;
  await runMaintenance(server.relais);
  fresh = (await submitReport(new ApiClient({ server: server.url }), { category: 'armes', text: 'tout juste reçu' })).ref;
  const k = server.fixture.keys['officer-a']!;
  keyFile = join(work, 'a.key.asc');
  passFile = join(work, 'pass');
  writeFileSync(keyFile, k.privateKey);
  writeFileSync(passFile, k.passphrase);
  logKey = join(server.fixture.dir, 'keys', 'log.pub');
}, 60_000);
afterAll(async () => server?.close());

describe('case export', () => {
  let dir = '';

  it('exports a report into a private folder that says what it holds, and logs the export', async () => {
    const out = join(work, 'out');
    const run = await relais(exportArgs(ref, out));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('IN CLEAR');
    dir = join(out, ref);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readTree(dir);
    for (const name of files.keys()) expect(statSync(join(dir, name)).mode & 0o777, name).toBe(0o600);
    expect(statSync(join(dir, 'scelle')).mode & 0o777).toBe(0o700);
    const notice = new TextDecoder().decode(files.get('LISEZ-MOI.txt'));
    expect(notice).toContain('CE DOSSIER CONTIENT LE SIGNALEMENT EN CLAIR');
    const summary = new TextDecoder().decode(files.get('resume.html'));
    expect(summary).toContain('J’ai vu la remise des armes au pied de la tour C');
    expect(summary).toContain('Ils reviennent le jeudi.');
    expect(summary).toMatch(/résident, entre \d{4}-\d{2}-\d{2} \d{2}:00 UTC et/);
    // investigators never get the identity: it is withheld, only its logged hash is named
    expect(summary).not.toContain('Témoin Protégé');
    expect([...files.keys()].some((n) => n.includes('identity'))).toBe(false);
    const logged = (await entries()).filter((e) => e.action === 'report.exported');
    expect(logged).toEqual([expect.objectContaining({ actor: 'member:officer-a', report: ref })]);
    // the receipt entry carries the SHA-256 of each sealed part
    const receipt = (await entries()).find((e) => e.action === 'report.received' && e.report === ref);
    expect(receipt?.details?.parts).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.any(String), expect.any(String)]);
  });

  it('verifies offline with the log key, and GnuPG decrypts a part with its session key alone', async () => {
    const run = await relais(['verify-export', dir, '--log-key', logKey]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('export verified');
    const gpg = new Gpg();
    const sessionKey = readFileSync(join(dir, 'cles', 'partie-0.cle'), 'utf8').trim();
    expect(sessionKey).toMatch(/^9:[0-9A-F]{64}$/);
    const plain = gpg.run(['--override-session-key', sessionKey, '--decrypt', join(dir, 'scelle', 'partie-0.pgp')]).toString();
    expect(plain).toContain('Relais-Envelope: 1');
    expect(plain).toContain('J’ai vu la remise des armes au pied de la tour C');
  });

  it('fails on one changed byte in any file, on an extra file, and with another log key', async () => {
    const files = readTree(dir);
    const logVerifierKey = readFileSync(logKey, 'utf8');
    await expect(verifyCaseExport(files, { logVerifierKey })).resolves.toMatchObject({ ref });
    for (const [name, bytes] of files) {
      const changed = new Map(files);
      const copy = new Uint8Array(bytes);
      const at = Math.floor(copy.length / 2);
      copy[at] = (copy[at] as number) ^ 0x01;
      changed.set(name, copy);
      await expect(verifyCaseExport(changed, { logVerifierKey }), name).rejects.toThrow();
    }
    await expect(verifyCaseExport(new Map([...files, ['contenu/extra.txt', new Uint8Array(1)]]), { logVerifierKey })).rejects.toThrow(
      /not listed/,
    );
    const other = generateSignerKey('relais.test/log').verifierKey;
    await expect(verifyCaseExport(files, { logVerifierKey: other })).rejects.toThrow(/checkpoint/);
    // and the command says so with exit 3
    const broken = join(work, 'broken');
    cpSync(dir, broken, { recursive: true });
    const target = join(broken, 'contenu', 'partie-0-report.txt');
    chmodSync(target, 0o600);
    const text = readFileSync(target);
    text[0] = (text[0] as number) ^ 0x20;
    writeFileSync(target, text);
    const run = await relais(['verify-export', broken, '--log-key', logKey]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('NOT VERIFIED');
  });

  it('writes a zip that verifies the same way', async () => {
    const out = join(work, 'zip');
    const run = await relais(exportArgs(ref, out, ['--zip']));
    expect(run.code, run.stderr).toBe(0);
    const zip = join(out, `${ref}.zip`);
    expect(statSync(zip).mode & 0o777).toBe(0o600);
    const verify = await relais(['verify-export', zip, '--log-key', logKey]);
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('refuses a report whose receipt is not yet in a signed checkpoint, logging nothing, and a report routed elsewhere', async () => {
    const before = (await entries()).filter((e) => e.action === 'report.exported').length;
    const run = await relais(exportArgs(fresh, join(work, 'fresh')));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('not_yet_logged');
    expect((await entries()).filter((e) => e.action === 'report.exported').length).toBe(before);
    const city = await staffClient(server, 'city-c');
    expect(await outcome(city.json('GET', `/api/v1/reports/${ref}/proof`))).toBe('404 not_found');
    expect(await outcome(city.json('POST', `/api/v1/reports/${ref}/export`))).toBe('404 not_found');
    expect(await outcome(city.json('GET', '/api/v1/reports/R-nope/proof'))).toBe('404 not_found');
  });
});
