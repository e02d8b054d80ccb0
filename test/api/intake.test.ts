// POST /api/v1/reports against a real server and a real SQLite file: a valid report is stored;
// every kind of bad input gets its 4xx and stable code, no echo, and writes nothing.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from '../../src/core/bytes.ts';
import { leadingZeroBits, parseChallenge } from '../../src/core/pow.ts';
import { sealEnvelope } from '../../src/core/seal.ts';
import { makeKey, startTestServer, type TestServer } from '../helpers/fixture.ts';
import {
  formOf,
  keysOf,
  powHeaders,
  publicConfigOf,
  send,
  solvedPow,
  textEnvelope,
  validSubmission,
  type Submission,
} from '../helpers/intake.ts';
import { RefusedProofs } from '../../src/server/proof.ts';

let server: TestServer;
let outsider: openpgp.PublicKey;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['all_reports', 'all_routes', 'all_parts', 'staged_blobs', 'blobs', 'spent_challenges', 'audit_entries']) {
    out[table] = (await server.relais.store.db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? -1;
  }
  return out;
}

/** Sends, then checks the answer: the status, the code, no echo of `canary`, nothing written. */
async function expectRefused(
  s: Submission | FormData,
  status: number,
  code: string,
  headers: Record<string, string> = {},
  canary?: string,
) {
  const before = await counts();
  const res = await send(server.url, s, headers);
  expect({ status: res.status, code: res.body.error }).toEqual({ status, code });
  if (canary) expect(JSON.stringify(res.body)).not.toContain(canary);
  expect(await counts()).toEqual(before);
  return res;
}

beforeAll(async () => {
  server = await startTestServer();
  outsider = await openpgp.readKey({ armoredKey: (await makeKey('outsider')).publicKey });
});
afterAll(async () => server.close());

describe('filing a sealed report', () => {
  it('stores a report sealed to exactly the routed keys and answers 201 with a random reference', async () => {
    const before = await counts();
    const res = await send(server.url, await validSubmission(server.url));
    expect(res.status).toBe(201);
    expect(res.body.ref).toMatch(/^R-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const after = await counts();
    expect(after.all_reports).toBe(before.all_reports! + 1);
    expect(after.spent_challenges).toBe(before.spent_challenges! + 1);
  });

  it('stores only the hour bucket of the arrival time', async () => {
    const res = await send(server.url, await validSubmission(server.url));
    const row = await server.relais.store.db.first<{ received_bucket: number }>('SELECT received_bucket FROM all_reports WHERE ref = ?', [
      res.body.ref as string,
    ]);
    expect(row!.received_bucket % 3600).toBe(0);
    expect(Date.now() / 1000 - row!.received_bucket).toBeLessThan(3600);
  });

  it('stores a witness request with its identity part for custody only', async () => {
    const res = await send(server.url, await validSubmission(server.url, 'temoin'));
    expect(res.status).toBe(201);
    const routes = await server.relais.store.db.all('SELECT inbox_id, audience FROM all_routes WHERE ref = ? ORDER BY inbox_id', [
      res.body.ref as string,
    ]);
    expect(routes).toEqual([
      { inbox_id: 'custody', audience: 'identity' },
      { inbox_id: 'police', audience: 'main' },
    ]);
  });
});

describe('refusing bad reports without writing anything', () => {
  it('refuses a part sealed to a key outside the routing', async () => {
    const s = await validSubmission(server.url);
    const config = await publicConfigOf(server.url);
    s.parts[0] = await sealEnvelope(textEnvelope('x'), [...(await keysOf(config, config.categories[0]!.sealTo)), outsider]);
    await expectRefused(s, 422, 'recipients_unexpected');
  });

  it('refuses a part missing one of the routed keys', async () => {
    const s = await validSubmission(server.url);
    const config = await publicConfigOf(server.url);
    s.parts[0] = await sealEnvelope(textEnvelope('x'), (await keysOf(config, config.categories[0]!.sealTo)).slice(1));
    await expectRefused(s, 422, 'recipients_missing');
  });

  it('refuses a part sealed twice to the same member', async () => {
    const s = await validSubmission(server.url);
    const part = s.parts[0]!;
    // Repeat the first PKESK packet (new-format header, one-octet length) in front of the part.
    expect(part[0]).toBe(0xc1);
    const first = part.subarray(0, 2 + part[1]!);
    const doubled = new Uint8Array(first.length + part.length);
    doubled.set(first);
    doubled.set(part, first.length);
    s.parts[0] = doubled;
    await expectRefused(s, 422, 'recipients_duplicate');
  });

  it('refuses a tip part sealed to the custodians only (the routing of another audience)', async () => {
    const s = await validSubmission(server.url);
    const config = await publicConfigOf(server.url);
    s.parts[0] = await sealEnvelope(
      textEnvelope('x'),
      await keysOf(config, config.categories.find((c) => c.id === 'temoin')!.identitySealTo!),
    );
    await expectRefused(s, 422, 'recipients_unexpected');
  });

  it('refuses a witness identity sealed to the investigators', async () => {
    const s = await validSubmission(server.url, 'temoin');
    const config = await publicConfigOf(server.url);
    s.parts[1] = await sealEnvelope(
      textEnvelope('who', 'identity'),
      await keysOf(config, config.categories.find((c) => c.id === 'temoin')!.sealTo),
    );
    await expectRefused(s, 422, 'recipients_unexpected');
  });

  it('refuses a truncated sealed part', async () => {
    const s = await validSubmission(server.url);
    s.parts[0] = s.parts[0]!.subarray(0, s.parts[0]!.length - 10);
    await expectRefused(s, 422, 'part_truncated');
  });

  it('refuses garbage in place of a sealed part', async () => {
    const s = await validSubmission(server.url);
    s.parts[0] = utf8('CANARY-garbage-part-not-openpgp');
    await expectRefused(s, 422, 'part_not_openpgp', {}, 'CANARY-garbage');
  });

  it('refuses a report in clear (a literal OpenPGP packet)', async () => {
    const s = await validSubmission(server.url);
    s.parts[0] = (await openpgp.createMessage({ binary: utf8('CANARY in clear') })).write();
    await expectRefused(s, 422, 'part_unexpected_packet', {}, 'CANARY');
  });

  it('refuses a replayed proof of work', async () => {
    const first = await validSubmission(server.url);
    expect((await send(server.url, first)).status).toBe(201);
    const second = await validSubmission(server.url);
    second.meta.pow = first.meta.pow;
    await expectRefused(second, 409, 'pow_replayed');
  });

  it('uses up the proof of work of a refused upload, so that one solved challenge cannot carry junk after junk', async () => {
    const junk = await validSubmission(server.url);
    junk.parts[0] = utf8('CANARY-junk-1');
    await expectRefused(junk, 422, 'part_not_openpgp', {}, 'CANARY');
    // the same proof with another junk body, then with a valid report: both refused, nothing written
    junk.parts[0] = utf8('CANARY-junk-2');
    await expectRefused(junk, 409, 'pow_replayed', {}, 'CANARY');
    const valid = await validSubmission(server.url);
    valid.meta.pow = junk.meta.pow;
    await expectRefused(valid, 409, 'pow_replayed');
    // a fresh proof of work goes through
    expect((await send(server.url, await validSubmission(server.url))).status).toBe(201);
  });

  it('refuses a counter that does not solve the challenge', async () => {
    const s = await validSubmission(server.url);
    const { bits } = parseChallenge(s.meta.pow.challenge)!;
    let counter = 0;
    while (leadingZeroBits(sha256(utf8(`${s.meta.pow.challenge}:${counter}`))) >= bits) counter++;
    s.meta.pow.counter = counter;
    await expectRefused(s, 422, 'pow_insufficient');
  });

  it('refuses a proof of work for another purpose', async () => {
    const s = await validSubmission(server.url);
    s.meta.pow = await solvedPow(server.url, 'lookup');
    await expectRefused(s, 422, 'pow_wrong_purpose');
  });

  it('refuses a forged proof-of-work challenge', async () => {
    const s = await validSubmission(server.url);
    s.meta.pow.challenge = s.meta.pow.challenge.replace(/\.[A-Za-z0-9_-]{43}$/, `.${'A'.repeat(43)}`);
    await expectRefused(s, 422, 'pow_invalid');
  });

  it('refuses a stale config hash with 409 and the current hash', async () => {
    const s = await validSubmission(server.url);
    s.meta.configHash = 'f'.repeat(64);
    const res = await expectRefused(s, 409, 'stale_config');
    expect(res.body.currentHash).toBe(server.config.hash);
  });

  it('refuses an unknown category without echoing it', async () => {
    const s = await validSubmission(server.url);
    s.meta.category = 'canary-category';
    await expectRefused(s, 422, 'unknown_category', {}, 'canary-category');
  });

  it('refuses a report whose first part is not the report', async () => {
    const s = await validSubmission(server.url);
    s.meta.parts = ['attachment'];
    await expectRefused(s, 422, 'parts_invalid');
  });

  it('refuses an identity part in a plain tip', async () => {
    const s = await validSubmission(server.url);
    s.meta.parts = ['report', 'identity'];
    s.parts.push(s.parts[0]!);
    await expectRefused(s, 422, 'parts_invalid');
  });

  it('refuses a witness request without its identity part', async () => {
    const s = await validSubmission(server.url, 'temoin');
    s.meta.parts = ['report'];
    s.parts = [s.parts[0]!];
    await expectRefused(s, 422, 'parts_invalid');
  });

  it('refuses more attachments than allowed', async () => {
    const s = await validSubmission(server.url);
    for (let i = 0; i < 11; i++) {
      s.meta.parts.push('attachment');
      s.parts.push(s.parts[0]!);
    }
    await expectRefused(s, 422, 'too_many_attachments');
  });

  it('refuses a declared part that is not sent', async () => {
    const s = await validSubmission(server.url);
    s.meta.parts.push('attachment');
    await expectRefused(s, 400, 'part_missing');
  });

  it('refuses an extra field', async () => {
    const s = await validSubmission(server.url);
    const form = formOf(s);
    form.set('ip', 'CANARY');
    await expectRefused(form, 400, 'unexpected_field', powHeaders(s), 'CANARY');
  });

  it('refuses parts out of order', async () => {
    const s = await validSubmission(server.url, 'temoin');
    const form = new FormData();
    form.set('meta', formOf(s).get('meta') as string);
    form.set('part-1', new Blob([s.parts[1] as Uint8Array<ArrayBuffer>]), 'sealed');
    form.set('part-0', new Blob([s.parts[0] as Uint8Array<ArrayBuffer>]), 'sealed');
    const res = await expectRefused(form, 400, 'part_missing', powHeaders(s));
    expect(res.body.part).toBe(0);
  });

  it('refuses a meta field that does not come first', async () => {
    const s = await validSubmission(server.url);
    const form = new FormData();
    form.set('part-0', new Blob([s.parts[0] as Uint8Array<ArrayBuffer>]), 'sealed');
    form.set('meta', formOf(s).get('meta') as string);
    await expectRefused(form, 400, 'meta_invalid', powHeaders(s));
  });

  it('refuses a report without the proof-of-work header, or with the proof of work in the meta field', async () => {
    const s = await validSubmission(server.url);
    await expectRefused(formOf(s), 422, 'pow_missing');
    const form = formOf(s);
    form.set('meta', JSON.stringify(s.meta));
    await expectRefused(form, 400, 'meta_invalid', powHeaders(s));
    await expectRefused(formOf(s), 422, 'pow_malformed', { 'Relais-Pow': `${s.meta.pow.challenge}:-1` });
  });

  it.each([
    ['not JSON', 'CANARY{'],
    ['JSON of the wrong shape', JSON.stringify({ category: 'trafic', CANARY: 1 })],
    ['too long', JSON.stringify({ category: 'trafic', CANARY: 'x'.repeat(20_000) })],
  ])('refuses a meta field that is %s', async (_, meta) => {
    const s = await validSubmission(server.url);
    const form = formOf(s);
    form.set('meta', meta);
    await expectRefused(form, 400, 'meta_invalid', powHeaders(s), 'CANARY');
  });

  it('refuses a body that is not multipart', async () => {
    const before = await counts();
    const res = await fetch(`${server.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...powHeaders(await validSubmission(server.url)) },
      body: '{"CANARY":1}',
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported_media_type');
    expect(await counts()).toEqual(before);
  });

  it('refuses a broken multipart body', async () => {
    const before = await counts();
    const res = await fetch(`${server.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz', ...powHeaders(await validSubmission(server.url)) },
      body: '--xyz\r\nCANARY garbage',
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(JSON.parse(body).error).toBe('malformed_body');
    expect(body).not.toContain('CANARY');
    expect(await counts()).toEqual(before);
  });

  it('refuses an oversized body with a valid proof of work, declared or streamed, as soon as it passes its cap', async () => {
    const before = await counts();
    const pow = powHeaders(await validSubmission(server.url));
    const big = new Uint8Array(200 * 1024 * 1024);
    const declared = await fetch(`${server.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz', ...pow },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toBe('body_too_large');
    // Without a length (chunked): a valid start, then a part that never ends is refused once it
    // passes its cap, long before the client has sent it all; a part that does not start as a
    // sealed part is refused at its first bytes.
    const s = await validSubmission(server.url);
    const { pow: _, ...meta } = s.meta;
    const stream = async (first: Uint8Array, proof: Record<string, string>) => {
      const head = concatBytes(
        utf8(
          `--xyz\r\nContent-Disposition: form-data; name="meta"\r\n\r\n${JSON.stringify(meta)}\r\n--xyz\r\nContent-Disposition: form-data; name="part-0"; filename="sealed"\r\n\r\n`,
        ),
        first,
      );
      let sent = 0;
      const chunk = new Uint8Array(64 * 1024).fill(7);
      const res = await fetch(`${server.url}/api/v1/reports`, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=xyz', ...proof },
        duplex: 'half',
        body: new ReadableStream({
          pull(controller) {
            if (sent++ > 3000) return controller.close();
            controller.enqueue(sent === 1 ? head : chunk);
          },
        }),
      } as RequestInit);
      return { status: res.status, body: (await res.json()) as { error: string; part: number } };
    };
    expect(await stream(s.parts[0] as Uint8Array, powHeaders(s))).toEqual({
      status: 413,
      body: expect.objectContaining({ error: 'part_too_large', part: 0 }),
    });
    // each refusal uses its proof of work up: the second upload brings its own
    expect(await stream(new Uint8Array(0), powHeaders(await validSubmission(server.url)))).toEqual({
      status: 422,
      body: expect.objectContaining({ error: 'part_not_openpgp', part: 0 }),
    });
    expect(await counts()).toEqual(before);
  });

  it('refuses an oversized report part', async () => {
    const s = await validSubmission(server.url);
    const config = await publicConfigOf(server.url);
    s.parts[0] = await sealEnvelope(
      { kind: 'report', contentType: 'text/plain; charset=utf-8', content: new Uint8Array(config.limits.maxTextBytes * 2) },
      await keysOf(config, config.categories[0]!.sealTo),
    );
    await expectRefused(s, 413, 'part_too_large');
  });

  it('answers bad input with no 5xx anywhere', async () => {
    // A sweep over random bodies and content types: whatever comes in, the answer is a 4xx.
    for (let i = 0; i < 30; i++) {
      const body = new Uint8Array(1 + ((i * 997) % 5000));
      crypto.getRandomValues(body);
      for (const type of ['multipart/form-data; boundary=a', 'multipart/form-data', 'application/octet-stream', 'text/plain']) {
        const res = await fetch(`${server.url}/api/v1/reports`, { method: 'POST', headers: { 'Content-Type': type }, body });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        await res.arrayBuffer();
      }
    }
  });
});

describe('the memory of refused proofs of work', () => {
  it('forgets a nonce once its challenge expired, and holds at most its bound, dropping the oldest first', () => {
    const refused = new RefusedProofs(3);
    refused.add('a', 100, 0);
    expect(refused.has('a', 99)).toBe(true);
    expect(refused.has('a', 100)).toBe(false);
    refused.add('b', 200, 0);
    refused.add('c', 300, 0);
    refused.add('d', 400, 0);
    expect(refused.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((n) => refused.has(n, 50))).toEqual([false, true, true, true]);
    refused.add('e', 500, 350); // b and c expired: both go
    expect(refused.size).toBe(2);
    expect(['d', 'e'].map((n) => refused.has(n, 350))).toEqual([true, true]);
  });
});
