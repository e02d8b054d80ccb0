// The HTTP integration tests against the real Workers runtime: one Worker (wrangler dev --local,
// workerd, local D1 and R2) for this file. A report filed with `relais submit` and pulled with
// `relais pull` decrypts with GnuPG; attachments land in R2; bad input gets its 4xx and writes
// nothing; pages carry the same headers as on Node; the cron trigger logs closed buckets only, and
// has the log cosigned again (a real `relais cosigner serve`) even when nothing new was logged.
import { receiptGraceSeconds } from '../../src/server/maintenance.ts';
import * as openpgp from 'openpgp';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { listReports, login, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { fromUtf8, utf8 } from '../../src/core/bytes.ts';
import { decodeEnvelope } from '../../src/core/envelope.ts';
import { sealEnvelope } from '../../src/core/seal.ts';
import { loadConfigFile } from '../../src/config/load-node.ts';
import { startNodeServer, type RunningServer } from '../../src/node.ts';
import { randomBytes } from '../../src/core/bytes.ts';
import { relais } from '../helpers/cli.ts';
import { makeFixture, makeKey } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';
import { formOf, keysOf, powHeaders, publicConfigOf, send, textEnvelope, validSubmission, type Submission } from '../helpers/intake.ts';
import { keyFiles } from '../log/helpers.ts';
import { startCosigner, useCosigners, type RunningCosigner } from '../log/cosigners.ts';
import { startWorker, type WorkerUnderTest } from './harness.ts';
import { tempDir } from '../helpers/temp.ts';

const BUCKET_SECONDS = 60;
const MB = 1024 * 1024;
const work = tempDir('relais-worker-cli-');
const passFile = join(work, 'pass');
const gpg = new Gpg();
let worker: WorkerUnderTest;
let outsider: openpgp.PublicKey;
// Set by the first test, checked by the last one (see there).
let openBucketRef = '';
let openBucket = 0;
let cosigner: RunningCosigner;
/** The first cosignature the Worker got, checked again once the cron trigger must have renewed it. */
let firstCosignature: { size: number; timestamp: number } | null = null;
const MAX_AGE = 30;
/** blob keys of attachments filed in that open bucket, in the order they arrived */
const openBucketBlobs: string[] = [];

const TABLES = [
  'reports',
  'report_routes',
  'parts',
  'blobs',
  'spent_challenges',
  'audit_entries',
  'staged_reports',
  'staged_routes',
  'staged_parts',
  'staged_blobs',
  'staged_messages',
];
function counts(): Record<string, number> {
  return Object.fromEntries([...TABLES.map((t) => [t, worker.count(t)]), ['r2 objects', r2Objects().length]]);
}
function r2Objects(): string[] {
  return worker.stateFiles().filter((f) => f.includes('/v3/r2/relais-attachments/blobs/'));
}
function auditActions(): { action: string; report?: string; bucket?: string; details?: Record<string, unknown> }[] {
  return worker.query<{ entry: string }>('SELECT entry FROM audit_entries ORDER BY idx').map((r) => JSON.parse(r.entry));
}

async function expectRefused(
  s: Submission | FormData,
  status: number,
  code: string,
  canary?: string,
  headers: Record<string, string> = {},
) {
  const before = counts();
  const res = await send(worker.url, s, headers);
  expect({ status: res.status, code: res.body.error }).toEqual({ status, code });
  if (canary) expect(JSON.stringify(res.body)).not.toContain(canary);
  expect(counts()).toEqual(before);
}

beforeAll(async () => {
  writeFileSync(passFile, 'officer pass phrase\n');
  const gpgKey = gpg.generateKey('Police — liaison GnuPG (worker)', 'officer pass phrase');
  writeFileSync(join(work, 'officer-a.key.asc'), gpgKey.privateKey);
  const made = await relais([
    'keygen',
    '--name',
    'Police — liaison 2 (worker)',
    '--out',
    join(work, 'officer-b'),
    '--passphrase-file',
    passFile,
  ]);
  expect(made.code, made.stderr).toBe(0);
  const fx = await makeFixture({
    patch: (json) => {
      json.timeBucketSeconds = BUCKET_SECONDS;
      json.limits = { maxTextBytes: 64 * 1024, maxAttachmentBytes: MB, maxReportBytes: 4 * MB, maxAttachments: 2 };
    },
  });
  writeFileSync(join(fx.dir, 'keys', 'officer-a.asc'), gpg.run(['--armor', '--export', gpgKey.fingerprint]).toString());
  writeFileSync(join(fx.dir, 'keys', 'officer-b.asc'), readFileSync(join(work, 'officer-b.pub.asc')));
  cosigner = await startCosigner(fx, 'inspection.example/witness');
  useCosigners(fx, [cosigner], 1, MAX_AGE);
  worker = await startWorker({ fixture: fx });
  outsider = await openpgp.readKey({ armoredKey: (await makeKey('outsider')).publicKey });
});
afterAll(async () => {
  await worker?.stop();
  await cosigner?.stop();
});

describe('the worker in workerd', () => {
  // Two steps of one check, kept apart so that the wait for the bucket to close overlaps the
  // other tests: the report filed here must stay out of the log until its bucket has closed.
  it('leaves a report of the still-open time bucket out of the log when the cron trigger runs', async () => {
    // Far enough from the end of the bucket that it cannot close between the two requests.
    const left = BUCKET_SECONDS * 1000 - (Date.now() % (BUCKET_SECONDS * 1000));
    if (left < 15_000) await new Promise((r) => setTimeout(r, left + 1000));
    const res = await send(worker.url, await validSubmission(worker.url, 'prevention', 'dans le bucket ouvert'));
    expect(res.status).toBe(201);
    openBucketRef = res.body.ref as string;
    openBucket = worker.query<{ received_bucket: number }>('SELECT received_bucket FROM staged_reports WHERE ref = ?', [openBucketRef])[0]!
      .received_bucket;
    expect(openBucket % BUCKET_SECONDS).toBe(0);
    const cron = await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`);
    expect(cron.status).toBe(200);
    await cron.arrayBuffer();
    // Still staged: it moves to the main tables, with its receipt, once its bucket has closed.
    expect(worker.query('SELECT ref FROM staged_reports WHERE ref = ?', [openBucketRef])).toHaveLength(1);
    // A few reports with attachments in the same bucket: their bytes wait in D1 (see the last test).
    const api = new ApiClient({ server: worker.url });
    for (let i = 0; i < 3; i++) {
      const attachments = [{ contentType: 'application/octet-stream' as const, bytes: randomBytes(3000) }];
      const { ref } = await submitReport(api, { category: 'prevention', text: `pièce ${i}`, attachments }, { followUp: false });
      openBucketBlobs.push(
        worker.query<{ blob_key: string }>('SELECT blob_key FROM staged_parts WHERE ref = ? AND idx = 1', [ref])[0]?.blob_key ?? '',
      );
    }
    expect(worker.query('SELECT ref FROM reports WHERE ref = ?', [openBucketRef])).toEqual([]);
    expect(auditActions().filter((e) => e.action === 'report.received')).toEqual([]);
  });

  it('logs the config version once, with the same hash as the Node server computes', async () => {
    const nodeHash = (await loadConfigFile(worker.fixture.configPath)).hash;
    expect((await publicConfigOf(worker.url)).hash).toBe(nodeHash);
    const changes = auditActions().filter((e) => e.action === 'config.changed');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.details).toMatchObject({ hash: nodeHash, previous: null });
    expect(worker.query('SELECT name FROM d1_migrations ORDER BY id').length).toBe(
      readdirSync(new URL('../../migrations/', import.meta.url)).filter((f) => f.endsWith('.sql')).length,
    );
  });

  it('takes a report from relais submit, which a GnuPG user pulls sealed and decrypts with gpg', async () => {
    const submitted = await relais([
      'submit',
      '--server',
      worker.url,
      '--category',
      'armes',
      '--text',
      'Un fusil dans le local à vélos du bâtiment B',
    ]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const ref = submitted.stdout.split('\n')[0]!.trim();
    expect(ref).toMatch(/^R-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const out = join(work, 'pull-sealed');
    const pulled = await relais([
      'pull',
      '--server',
      worker.url,
      '--key',
      join(work, 'officer-a.key.asc'),
      '--passphrase-file',
      passFile,
      '--out',
      out,
      '--sealed',
    ]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(readdirSync(join(out, ref)).sort()).toEqual(['info.json', 'report.gpg']);
    const clear = gpg.decrypt(readFileSync(join(out, ref, 'report.gpg')), 'officer pass phrase');
    expect(fromUtf8(decodeEnvelope(new Uint8Array(clear)).content)).toBe('Un fusil dans le local à vélos du bâtiment B');
    expect(JSON.parse(readFileSync(join(out, ref, 'info.json'), 'utf8'))).toMatchObject({ ref, category: 'armes', status: 'received' });
  });

  it('carries an officer’s reply and status to the resident holding the receipt, and the resident’s answer back', async () => {
    const submitted = await relais(['submit', '--server', worker.url, '--category', 'armes', '--text', 'question du résident']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const [ref, receipt] = submitted.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim());
    const receiptFile = join(work, 'receipt');
    writeFileSync(receiptFile, `${receipt}\n`);
    const officerKey = ['--key', join(work, 'officer-b.key.asc'), '--passphrase-file', passFile];
    const reply = await relais([
      'reply',
      '--server',
      worker.url,
      ...officerKey,
      '--ref',
      ref!,
      '--status',
      'in-progress',
      '--text',
      'Merci, nous regardons.',
    ]);
    expect(reply.code, reply.stderr).toBe(0);
    const answered = await relais(['followup', '--server', worker.url, '--receipt-file', receiptFile, '--text', 'Il y en a deux.']);
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.stdout).toContain(`${ref} — armes — status: in-progress`);
    expect(answered.stdout).toContain('Merci, nous regardons.');
    expect(answered.stdout).toContain('Il y en a deux.');
    expect(worker.query<{ status: string }>('SELECT status FROM reports WHERE ref = ?', [ref!])).toEqual([{ status: 'in-progress' }]);
  });

  it('keeps attachments in D1 while their bucket is open, in R2 after, and hands them back decrypted to relais pull', async () => {
    const photo = join(work, 'photo.jpg');
    copyFileSync(new URL('../strip/fixtures/progressive-restart.jpg', import.meta.url), photo);
    const before = r2Objects().length;
    const submitted = await relais([
      'submit',
      '--server',
      worker.url,
      '--category',
      'trafic',
      '--text',
      'photo du hall',
      '--attach',
      photo,
    ]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const ref = submitted.stdout.split('\n')[0]!.trim();
    const parts = (table: string) =>
      worker
        .query<{ role: string; inline: number; blob_key: string | null }>(
          `SELECT role, data IS NOT NULL AS inline, blob_key FROM ${table} WHERE ref = ? ORDER BY idx`,
          [ref],
        )
        .map((p) => [p.role, p.inline, p.blob_key !== null]);
    const inline = [
      ['report', 1, false],
      ['attachment', 0, true],
    ];
    // The bucket is open: the bytes wait in D1, R2 has no upload time to give away yet.
    expect(parts('staged_parts')).toEqual(inline);
    expect(r2Objects().length).toBe(before);
    const chunks = worker.count('staged_blobs');
    expect(chunks).toBeGreaterThanOrEqual(1);
    expect(worker.count('blobs')).toBe(0);

    const out = join(work, 'pull-b');
    const pulled = await relais([
      'pull',
      '--server',
      worker.url,
      '--key',
      join(work, 'officer-b.key.asc'),
      '--passphrase-file',
      passFile,
      '--out',
      out,
    ]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(readFileSync(join(out, ref, 'report.txt'), 'utf8')).toBe('photo du hall');
    const jpeg = readFileSync(join(out, ref, 'attachment-1.jpg'));
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    // Pulling marked it read, a staff write: the report left staging and its bytes went to R2.
    expect(parts('parts')).toEqual(inline);
    expect(parts('staged_parts')).toEqual([]);
    expect(r2Objects().length).toBe(before + 1);
    expect(worker.count('staged_blobs')).toBe(chunks - 1);
  });

  it('keeps an audit log that relais audit verify checks against the log key, with the officers’ actions in it', async () => {
    // A staff login and listing (city-c's key is the fixture's own), which the log must hold.
    const k = worker.fixture.keys['city-c']!;
    const officer = new ApiClient({ server: worker.url });
    await login(officer, await unlockPrivateKey(k.privateKey, k.passphrase), worker.fixture.origin);
    await listReports(officer);
    const auditor = keyFiles(worker.fixture, 'auditor-f');
    const state = join(work, 'audit-state.json');
    const run = await relais([
      'audit',
      'verify',
      '--server',
      worker.url,
      '--state',
      state,
      '--key',
      auditor.key,
      '--passphrase-file',
      auditor.pass,
      '--log-key',
      join(worker.fixture.dir, 'keys', 'log.pub'),
      '--cosigner',
      cosigner.pubFile,
      '--quorum',
      '1',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/cosigned +1 of 1 trusted cosigners \(quorum 1\): inspection\.example\/witness/);
    firstCosignature = worker.query<{ size: number; timestamp: number }>('SELECT size, timestamp FROM log_cosignatures')[0] ?? null;
    const checkpoint = JSON.parse(readFileSync(state, 'utf8')).checkpoint as string;
    expect(checkpoint.split('\n')[0]).toBe('relais.test/log');
    expect(Number(checkpoint.split('\n')[1])).toBeGreaterThanOrEqual(auditActions().length - 1);
    expect(auditActions().map((e) => e.action)).toEqual(expect.arrayContaining(['config.changed', 'staff.login', 'report.list']));
    // A second run goes on from the saved checkpoint.
    const again = await relais([
      'audit',
      'verify',
      '--server',
      worker.url,
      '--state',
      state,
      '--key',
      auditor.key,
      '--passphrase-file',
      auditor.pass,
      '--log-key',
      join(worker.fixture.dir, 'keys', 'log.pub'),
    ]);
    expect(again.code, again.stderr).toBe(0);
  });

  it('serves pages and API answers with the same security headers and the same site manifest as the Node server', async () => {
    const node: RunningServer = await startNodeServer({
      config: worker.config,
      dbPath: join(work, 'node.db'),
      serverSecret: randomBytes(32),
      port: 0,
      log: () => {},
    });
    try {
      const names = [
        'content-type',
        'cache-control',
        'content-security-policy',
        'referrer-policy',
        'x-content-type-options',
        'x-frame-options',
        'cross-origin-opener-policy',
        'cross-origin-resource-policy',
        'cross-origin-embedder-policy',
        'permissions-policy',
        'set-cookie',
      ];
      // Some paths may be answered by routes (with fresh tokens); static files must match byte for byte.
      const staticFiles = ['/assets/app.css', '/assets/resident.js', '/build.json', '/nowhere'];
      for (const path of ['/', '/console/', '/api/v1/config', ...staticFiles]) {
        const [w, n] = await Promise.all([fetch(`${worker.url}${path}`), fetch(`${node.url}${path}`)]);
        const pick = (r: Response) => Object.fromEntries(names.map((h) => [h, r.headers.get(h)]));
        expect({ path, status: w.status, headers: pick(w) }).toEqual({ path, status: n.status, headers: pick(n) });
        expect(w.headers.get('content-security-policy')).toContain("default-src 'none'");
        const [wBody, nBody] = await Promise.all([w.text(), n.text()]);
        if (staticFiles.includes(path)) expect(wBody).toBe(nBody);
      }
      // The same code and config: the same site manifest, byte for byte, logged once by the Worker.
      const [wManifest, nManifest] = await Promise.all(
        [worker.url, node.url].map(async (u) => (await fetch(`${u}/.well-known/relais/manifest`)).text()),
      );
      expect(wManifest).toBe(nManifest);
      expect(auditActions().filter((e) => e.action === 'site.deployed')).toHaveLength(1);
    } finally {
      await node.close();
    }
  });
});

describe('refusing bad reports on the worker without writing anything', () => {
  it('refuses a part sealed to a key outside the routing', async () => {
    const s = await validSubmission(worker.url);
    const config = await publicConfigOf(worker.url);
    s.parts[0] = await sealEnvelope(textEnvelope('x'), [...(await keysOf(config, config.categories[0]!.sealTo)), outsider]);
    await expectRefused(s, 422, 'recipients_unexpected');
  });

  it('refuses garbage in place of a sealed part, without echoing it', async () => {
    const s = await validSubmission(worker.url);
    s.parts[0] = utf8('CANARY-garbage-part-not-openpgp');
    await expectRefused(s, 422, 'part_not_openpgp', 'CANARY-garbage');
  });

  it('refuses a replayed proof of work', async () => {
    const first = await validSubmission(worker.url);
    expect((await send(worker.url, first)).status).toBe(201);
    const second = await validSubmission(worker.url);
    second.meta.pow = first.meta.pow;
    await expectRefused(second, 409, 'pow_replayed');
  });

  it('refuses a meta field that is not JSON, and an extra field', async () => {
    const s = await validSubmission(worker.url);
    const form = formOf(s);
    form.set('meta', 'CANARY{');
    await expectRefused(form, 400, 'meta_invalid', 'CANARY', powHeaders(s));
    const t = await validSubmission(worker.url);
    const extra = formOf(t);
    extra.set('ip', 'CANARY');
    await expectRefused(extra, 400, 'unexpected_field', 'CANARY', powHeaders(t));
  });

  it('refuses an attachment over the limit and an oversized body', async () => {
    const s = await validSubmission(worker.url);
    const config = await publicConfigOf(worker.url);
    s.meta.parts.push('attachment');
    s.parts.push(
      await sealEnvelope(
        { kind: 'attachment', contentType: 'application/octet-stream', content: new Uint8Array(2 * MB) },
        await keysOf(config, config.categories[0]!.sealTo),
      ),
    );
    await expectRefused(s, 413, 'part_too_large');
    const before = counts();
    const res = await fetch(`${worker.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz', ...powHeaders(await validSubmission(worker.url)) },
      body: new Uint8Array(16 * MB),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('body_too_large');
    expect(counts()).toEqual(before);
  });

  it('answers broken and random bodies with a 4xx, never a 5xx', async () => {
    const before = counts();
    const broken = await fetch(`${worker.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz', ...powHeaders(await validSubmission(worker.url)) },
      body: '--xyz\r\nCANARY garbage',
    });
    expect(broken.status).toBe(400);
    expect(await broken.text()).not.toContain('CANARY');
    for (let i = 0; i < 8; i++) {
      const body = new Uint8Array(1 + ((i * 997) % 5000));
      crypto.getRandomValues(body);
      for (const type of ['multipart/form-data; boundary=a', 'multipart/form-data', 'application/octet-stream']) {
        const res = await fetch(`${worker.url}/api/v1/reports`, { method: 'POST', headers: { 'Content-Type': type }, body });
        expect(res.status, type).toBeGreaterThanOrEqual(400);
        expect(res.status, type).toBeLessThan(500);
        await res.arrayBuffer();
      }
    }
    expect(counts()).toEqual(before);
  });
});

describe('the cron trigger on the worker', () => {
  it('logs the report-received entry once its time bucket has closed', async () => {
    expect(openBucketRef, 'the first test filed the report').not.toBe('');
    const wait = (openBucket + BUCKET_SECONDS + receiptGraceSeconds(BUCKET_SECONDS)) * 1000 + 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const cron = await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`);
    expect(cron.status).toBe(200);
    await cron.arrayBuffer();
    expect(worker.query('SELECT receipt_logged FROM reports WHERE ref = ?', [openBucketRef])).toEqual([{ receipt_logged: 1 }]);
    // The attachments of that bucket went to R2 together, after it closed: R2's upload times say
    // nothing about when within the bucket they arrived.
    const uploads = new Map(worker.r2Uploads().map((u) => [u.key, u.uploaded]));
    const end = (openBucket + BUCKET_SECONDS) * 1000;
    for (const key of openBucketBlobs) expect(uploads.get(key), key).toBeGreaterThanOrEqual(end);
    expect(worker.count('staged_blobs')).toBe(0);
    const received = auditActions().filter((e) => e.action === 'report.received' && e.report === openBucketRef);
    expect(received).toHaveLength(1);
    expect(Date.parse(received[0]!.bucket!) / 1000).toBe(openBucket);
  });

  it('has the log cosigned again within log.maxCheckpointAgeSeconds, with or without new entries', async () => {
    expect(firstCosignature, 'the audit test got a cosignature').not.toBeNull();
    // The renewal comes once the cosignature is a third of the maximum age old.
    const wait = (firstCosignature!.timestamp + MAX_AGE / 3 + 1) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const cron = await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`);
    await cron.arrayBuffer();
    const [now] = worker.query<{ size: number; timestamp: number }>('SELECT size, timestamp FROM log_cosignatures');
    expect(now!.timestamp).toBeGreaterThan(firstCosignature!.timestamp);
    expect(now!.size).toBeGreaterThanOrEqual(firstCosignature!.size);
    const note = await (await fetch(`${worker.url}/api/v1/log/checkpoint`)).text();
    expect(note).toContain('\u2014 inspection.example/witness ');
  });
});
