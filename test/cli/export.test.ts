// Case export (issue 15 §2): `relais export` writes the decrypted report, attachments and
// conversation, the sealed parts with their session keys and the log proof; `relais
// verify-export` checks it offline with the auditor's own copy of the log key and fails on any
// changed byte; GnuPG decrypts a part with nothing but its exported session key; the export is
// logged; a report whose receipt is not yet in a signed checkpoint cannot be exported.
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { buildCaseExport } from '../../src/client/case-export.ts';
import { openConversation, sendMessage } from '../../src/client/followup.ts';
import { grantReport } from '../../src/client/grant.ts';
import { reply, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { toHex } from '../../src/core/bytes.ts';
import { type CaseManifest, ENTRY, MANIFEST, manifestBytes, PROOF } from '../../src/core/case-files.ts';
import { ExportInvalid, verifyCaseExport } from '../../src/core/case-verify.ts';
import { sealEnvelope } from '../../src/core/seal.ts';
import { defaultTreeHasher, generateSignerKey, parseSignerKey, signCheckpoint } from '../../src/core/tlog/index.ts';
import { formatTlogProof } from '../../src/core/tlog-proof.ts';
import { splitSealed } from '../../src/core/witness-seal.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { relais } from '../helpers/cli.ts';
import { makeKey, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';
import { textEnvelope } from '../helpers/intake.ts';
import { outcome, staffClient } from '../helpers/staff.ts';
import { tempDir } from '../helpers/temp.ts';

const work = tempDir('relais-export-');
let server: TestServer;
let now = Date.now();
let ref = '';
let fresh = '';
let keyFile = '';
let passFile = '';
let logKey = '';
/** the export made before any grant */
let dir = '';

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

// A case outlives its first reader: officer-b leaves, officer-n joins, officer-a runs a grant,
// which replaces the key packets of the stored parts and keeps each encrypted packet byte for
// byte. The receipt logged at receipt still proves the content; a server that changes or swaps
// an encrypted packet after the grant is caught.
describe('case export after a relais grant', () => {
  let files = new Map<string, Uint8Array>();
  let logVerifierKey = '';
  const newKey = join(work, 'n.key.asc');
  const exportAs = async (id: string) => {
    const k = server.fixture.keys[id]!;
    const ctx = {
      api: await staffClient(server, id),
      key: await unlockPrivateKey(k.privateKey, k.passphrase),
      member: { id, name: `Name of ${id}` },
      categoryLabel: (c: string) => server.config.config.categories.find((x) => x.id === c)?.labels.fr ?? c,
      bucketSeconds: 3600,
      now: () => now,
    };
    return buildCaseExport(ctx, ref);
  };
  /** What a hostile server does: store other bytes for a part, through its own store. */
  const storePart = async (idx: number, bytes: Uint8Array) => {
    const r = (await server.relais.store.reports.rewriteSealedStatements(ref, idx, bytes))!;
    await server.relais.store.batch(r.statements);
  };

  beforeAll(async () => {
    const fx = server.fixture;
    fx.keys['officer-n'] = await makeKey('Relais test officer-n');
    writeFileSync(join(fx.dir, 'keys', 'officer-n.asc'), fx.keys['officer-n'].publicKey);
    writeFileSync(newKey, fx.keys['officer-n'].privateKey);
    const json = structuredClone(fx.json) as any;
    json.inboxes[0].members = [json.inboxes[0].members[0], { id: 'officer-n', name: 'Name of officer-n', key: 'keys/officer-n.asc' }];
    writeFileSync(fx.configPath, JSON.stringify(json));
    const dbPath = server.dbPath;
    await server.close();
    server = await startTestServer(fx, { clock: () => now, dbPath });
    const a = server.fixture.keys['officer-a']!;
    const granted = await grantReport(await staffClient(server, 'officer-a'), ref, await unlockPrivateKey(a.privateKey, a.passphrase));
    expect(granted.granted).toBeGreaterThan(0);
    now += 3600_000;
    await runMaintenance(server.relais);
    logVerifierKey = readFileSync(logKey, 'utf8');
  }, 60_000);

  it('verifies an export made by the new member, says the key packets were replaced, and GnuPG still decrypts the part', async () => {
    const out = join(work, 'after-grant');
    const run = await relais([...exportArgs(ref, out).map((a) => (a === keyFile ? newKey : a))]);
    expect(run.code, run.stderr).toBe(0);
    const exported = join(out, ref);
    files = readTree(exported);
    // the sealed part differs from the one exported before the grant, its encrypted packet does not
    const earlier = readFileSync(join(dir, 'scelle', 'partie-0.pgp'));
    expect(Buffer.from(files.get('scelle/partie-0.pgp')!).equals(earlier)).toBe(false);
    expect(splitSealed(files.get('scelle/partie-0.pgp')!).encrypted).toEqual(splitSealed(new Uint8Array(earlier)).encrypted);
    const verify = await relais(['verify-export', exported, '--log-key', logKey]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stderr).toContain('export verified');
    expect(verify.stderr).toContain('Part(s) 0, 2: key packets replaced by a later grant');
    // the export made before the grant still verifies as it did, whole bytes against the log
    await expect(verifyCaseExport(readTree(dir), { logVerifierKey })).resolves.toMatchObject({ regranted: [] });
    const sessionKey = new TextDecoder().decode(files.get('cles/partie-0.cle')).trim();
    const plain = new Gpg().run(['--override-session-key', sessionKey, '--decrypt', join(exported, 'scelle', 'partie-0.pgp')]).toString();
    expect(plain).toContain('J’ai vu la remise des armes au pied de la tour C');
  });

  it('fails when the server changed a part’s encrypted packet after the grant, or swapped two parts', async () => {
    const keys = await Promise.all(
      ['officer-a', 'officer-n'].map((id) => openpgp.readKey({ armoredKey: server.fixture.keys[id]!.publicKey })),
    );
    const report = (await server.relais.store.reports.partBytes(ref, 0))!;
    const attachment = (await server.relais.store.reports.partBytes(ref, 2))!;
    try {
      // key packets for the current members in front of another encrypted packet: other content, a consistent export
      await storePart(0, await sealEnvelope(textEnvelope('Rien vu, rien entendu'), keys));
      await expect(verifyCaseExport(await exportAs('officer-n'), { logVerifierKey })).rejects.toThrow(
        'part 0 is not the sealed part the server logged: its encrypted packet differs from the one logged at receipt',
      );
      await storePart(0, attachment);
      await storePart(2, report);
      await expect(verifyCaseExport(await exportAs('officer-n'), { logVerifierKey })).rejects.toThrow(/part 0 is not the sealed part/);
    } finally {
      await storePart(0, report);
      await storePart(2, attachment);
    }
    await expect(verifyCaseExport(await exportAs('officer-n'), { logVerifierKey })).resolves.toMatchObject({ regranted: [0, 2] });
  });

  /** The export with `entry` as its receipt, proven by a one-leaf log the server's key signs. */
  const provenBy = (entry: Uint8Array): Map<string, Uint8Array> => {
    const checkpoint = signCheckpoint(
      { origin: 'relais.test/log', size: 1, rootHash: defaultTreeHasher.hashLeaf(entry), extensions: [] },
      parseSignerKey(server.fixture.logSignerKey),
    );
    const forged = new Map(files);
    forged.set(ENTRY, entry);
    forged.set(PROOF, new TextEncoder().encode(formatTlogProof({ index: 0, proof: [], checkpoint })));
    const m = JSON.parse(new TextDecoder().decode(files.get(MANIFEST))) as CaseManifest;
    for (const name of [ENTRY, PROOF]) m.files[name] = toHex(sha256(forged.get(name)!));
    forged.set(MANIFEST, manifestBytes(m));
    return forged;
  };

  it('fails against a receipt from before encrypted-packet hashes, naming the grant', async () => {
    // The same export, proven by a log whose receipt carries whole-part hashes only (one leaf).
    const entry = JSON.parse(new TextDecoder().decode(files.get(ENTRY)));
    delete entry.details.encrypted;
    const old = provenBy(new TextEncoder().encode(JSON.stringify(entry)));
    await expect(verifyCaseExport(old, { logVerifierKey })).rejects.toThrow(
      /^part 0 is not the sealed part the server logged; if a later `relais grant` replaced its key packets, this receipt is too old/,
    );
  });

  it('fails with a message, not a crash, against a signed receipt that is not JSON or whose hashes are not lists', async () => {
    // A hostile server can sign anything into its own log: the verifier reads the entry as untrusted.
    const receipt = JSON.parse(new TextDecoder().decode(files.get(ENTRY)));
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('{not json'), /^the logged entry is not JSON$/],
      [encode({ ...receipt, details: { ...receipt.details, parts: 'abc' } }), /^the logged entry carries no part hashes$/],
      [encode({ ...receipt, details: { ...receipt.details, parts: [1, 2, 3] } }), /^the logged entry carries no part hashes$/],
      [encode({ ...receipt, details: { ...receipt.details, encrypted: {} } }), /encrypted-packet hashes are not a list/],
      [encode({ ...receipt, details: 'x' }), /^the logged entry is not a receipt$/],
      [encode(null), /^the logged entry is not the receipt of this report$/],
    ];
    for (const [entry, message] of cases) {
      const error = await verifyCaseExport(provenBy(entry), { logVerifierKey }).catch((e: unknown) => e);
      expect(error, String(message)).toBeInstanceOf(ExportInvalid);
      expect((error as Error).message).toMatch(message);
    }
  });
});
