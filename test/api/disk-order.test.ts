// DESIGN promise 2 at the level of bytes on disk (issue 13): once a time bucket has closed, nothing
// in the SQLite file, its WAL, its wal-index (SHM) or its free list orders that bucket's reports,
// parts, attachments or follow-up messages by arrival. Forty reports are filed one after the
// other in one bucket, the bucket closes, and a copy of the files taken from the running server is
// read byte by byte (test/helpers/sqlite-file.ts, no SQLite): every order the copy gives — page
// numbers, positions and cell offsets within pages per b-tree, overflow pages, rowids, WAL frames,
// wal-index slots, free-list positions — is compared with the true order by rank correlation. A
// random order stays far below the threshold (for 40 items one standard deviation is 0.16, so
// 0.65 is four of them); the order of arrival is 1. The same scan of a copy taken while the bucket
// is open must see the order (SECURITY.md says so), which proves the scan can fail.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { powHeader, reportForm } from '../../src/client/report-form.ts';
import { type ReportInput, sealReport } from '../../src/client/submit.ts';
import { randomBytes, toBase64Url, utf8 } from '../../src/core/bytes.ts';
import { issueFollowUpToken } from '../../src/core/followup-token.ts';
import { solveChallenge } from '../../src/core/pow.ts';
import { generateResidentKey } from '../../src/core/resident-key.ts';
import { readPublicKeys, sealEnvelope } from '../../src/core/seal.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { membersOf } from '../../src/server/sealed-parts.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { type DiskFiles, type DiskItem, diskOrderings, type Ordering } from '../helpers/sqlite-file.ts';
import { tempDir } from '../helpers/temp.ts';

const REPORTS = 40;
const THRESHOLD = 0.65;
const HOUR = 3600_000;

let server: TestServer;
let now = 0;

beforeAll(async () => {
  now = Math.ceil(Date.now() / HOUR) * HOUR + 5 * 60_000;
  server = await startTestServer(undefined, { clock: () => now });
});
afterAll(async () => server?.close());

/** A copy of the files as they are on disk right now, the server still running. */
function copyFiles(): DiskFiles {
  const dir = tempDir('relais-disk-copy-');
  const read = (suffix: string) => {
    const from = `${server.dbPath}${suffix}`;
    if (!existsSync(from)) return undefined;
    copyFileSync(from, join(dir, `copy${suffix}`));
    return new Uint8Array(readFileSync(join(dir, `copy${suffix}`)));
  };
  if (process.env.RELAIS_SHOW_ORDERS) console.log('copy in', dir);
  return { db: read('') as Uint8Array, wal: read('-wal'), shm: read('-shm') };
}

/** Closes the current bucket: the clock moves past its end and the grace period, maintenance runs. */
async function closeBucket(): Promise<void> {
  now = Math.floor(now / HOUR) * HOUR + HOUR + 2 * 60_000;
  await runMaintenance(server.relais);
}

/** Windows of `bytes` long enough to be unique to it, from its start, middle and end. */
function windows(bytes: Uint8Array): Uint8Array[] {
  const at = [0, Math.floor(bytes.length / 2) - 16, bytes.length - 32].filter((o) => o >= 0);
  return at.map((o) => bytes.slice(o, o + 32));
}

function worst(orderings: Ordering[]): Ordering {
  return orderings.reduce((a, b) => (Math.abs(b.correlation) > Math.abs(a.correlation) ? b : a), { name: 'none', n: 0, correlation: 0 });
}

function describeAll(orderings: Ordering[]): string {
  return orderings.map((o) => `${o.name} (n=${o.n}): ${o.correlation.toFixed(2)}`).join('\n');
}

const refs: string[] = [];

/**
 * Files a report as the browser does, with a reply key and a lookup key of its own, but without
 * deriving them from a receipt (Argon2id, a second per report): the drill needs no receipt.
 */
async function file(api: ApiClient, input: ReportInput): Promise<string> {
  const { report } = await sealReport(await api.config(), input, { followUp: false });
  report.followUp = { lookupKey: toBase64Url(randomBytes(32)), ...(await generateResidentKey('drill passphrase')) };
  const { challenge } = await api.challenge('report');
  const pow = powHeader({ challenge, counter: solveChallenge(challenge) });
  const res = await api.request('POST', '/api/v1/reports', reportForm(report), undefined, undefined, pow);
  return ((await res.json()) as { ref: string }).ref;
}

describe('no arrival order at rest once a bucket has closed', () => {
  it('gives the reports of one closed bucket no order that agrees with their arrival, in any database file', async () => {
    const api = new ApiClient({ server: server.url });
    const categories = ['trafic', 'armes', 'prevention', 'temoin'];
    for (let i = 0; i < REPORTS; i++) {
      const category = categories[i % categories.length] as string;
      const attachments =
        i % 5 === 0 ? [{ contentType: 'application/octet-stream' as const, bytes: crypto.getRandomValues(new Uint8Array(6000)) }] : [];
      refs.push(
        await file(api, {
          category,
          text: `signalement numéro ${i}`,
          attachments,
          ...(category === 'temoin' ? { identity: `témoin ${i}` } : {}),
        }),
      );
    }
    const itemsOf = async (): Promise<DiskItem[]> =>
      Promise.all(
        refs.map(async (ref, truth) => {
          const report = await server.relais.store.reports.get(ref);
          const needles = [utf8(ref)];
          for (const p of report?.parts ?? []) {
            const bytes = await server.relais.store.reports.partBytes(ref, p.idx);
            if (bytes) needles.push(...windows(bytes));
          }
          return { needles, truth };
        }),
      );

    // While the bucket is open the order is there to see (the window SECURITY.md describes).
    const open = diskOrderings(copyFiles(), await itemsOf());
    expect(open.found).toBe(REPORTS);
    expect(Math.abs(worst(open.orderings).correlation), describeAll(open.orderings)).toBeGreaterThan(0.9);

    await closeBucket();
    const closed = diskOrderings(copyFiles(), await itemsOf());
    expect(closed.found, 'the scan finds every report in the copy').toBe(REPORTS);
    expect(closed.orderings.length).toBeGreaterThan(10);
    expect(closed.leftoversAt, 'no report bytes outside live rows').toEqual([]);
    if (process.env.RELAIS_SHOW_ORDERS) console.log(describeAll(closed.orderings));
    const w = worst(closed.orderings);
    expect(Math.abs(w.correlation), `${w.name}\n${describeAll(closed.orderings)}`).toBeLessThan(THRESHOLD);
  });

  it('gives the follow-up messages of one closed bucket no order that agrees with their arrival either', async () => {
    expect(refs.length).toBe(REPORTS);
    // One message per report, in an order unrelated to the reports' own.
    const order = [...refs].sort(() => (crypto.getRandomValues(new Uint32Array(1))[0]! < 2 ** 31 ? -1 : 1));
    for (const ref of order) {
      const report = await server.relais.store.reports.get(ref);
      const inbox = membersOf(server.relais.config, await server.relais.store.reports.routes(ref, 'main')).members.map((m) => m.armored);
      const keys = await readPublicKeys([...inbox, report?.replyPublicKey as string]);
      const sealed = await sealEnvelope(
        { kind: 'message', contentType: 'text/plain; charset=utf-8', content: utf8(`suite de ${ref}`) },
        keys,
      );
      const form = new FormData();
      form.set('meta', JSON.stringify({ parts: ['message'] }));
      form.set('part-0', new Blob([sealed as Uint8Array<ArrayBuffer>]), 'sealed');
      const res = await fetch(`${server.url}/api/v1/followup/messages`, {
        method: 'POST',
        body: form,
        headers: { Authorization: `Followup ${issueFollowUpToken(server.relais.secrets.followUp, ref, now)}` },
      });
      expect(res.status).toBe(201);
    }
    const itemsOf = async (): Promise<DiskItem[]> =>
      Promise.all(
        order.map(async (ref, truth) => {
          const messages = await server.relais.store.messages.list(ref, ['message']);
          const last = messages[messages.length - 1];
          const bytes = last ? (await server.relais.store.messages.get(ref, last.idx))?.bytes : null;
          return { needles: bytes ? windows(bytes) : [], truth };
        }),
      );
    const open = diskOrderings(copyFiles(), await itemsOf());
    expect(open.found).toBe(REPORTS);
    expect(Math.abs(worst(open.orderings).correlation), describeAll(open.orderings)).toBeGreaterThan(0.9);

    await closeBucket();
    const closed = diskOrderings(copyFiles(), await itemsOf());
    expect(closed.found).toBe(REPORTS);
    expect(closed.leftoversAt).toEqual([]);
    if (process.env.RELAIS_SHOW_ORDERS) console.log(describeAll(closed.orderings));
    const w = worst(closed.orderings);
    expect(Math.abs(w.correlation), `${w.name}\n${describeAll(closed.orderings)}`).toBeLessThan(THRESHOLD);
  });
});
