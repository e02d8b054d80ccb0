// C2SP tlog-cosignature/v1 (src/core/tlog/cosignature.ts) against the spec's own examples and
// other implementations' published values, and `relais cosigner serve` (C2SP tlog-witness) over
// real HTTP with its own SQLite file: every status code the spec names, for every way a log can
// misbehave, and the cosignature it returns verifying for the checkpoint it was given.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../src/core/bytes.ts';
import {
  base64Encode,
  cosign,
  cosignatureTimestamp,
  cosignedMessage,
  encodeCosignerKey,
  formatAddCheckpoint,
  generateCosignerKey,
  generateSignerKey,
  MemoryHashStore,
  parseCosignerKey,
  parseCosignerVerifier,
  parseSignerKey,
  proveConsistency,
  signCheckpoint,
  verifyCosignature,
} from '../../src/core/tlog/index.ts';
import { BIN, relais } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

describe('cosignature/v1 known answers', () => {
  it('computes key IDs with the 0x04 type byte (a native cosignature/v1 vkey published by transparency-dev/formats)', () => {
    const vkey = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
    const v = parseCosignerVerifier(vkey);
    expect(v.keyId.toString(16)).toBe('da77ade7');
    expect(v.name).toBe('remora.n621.de');
    // The same key material under the Ed25519 note type (0x01) is not a cosigner key.
    expect(() => parseCosignerVerifier('remora.n621.de+da77ade7+AevN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2')).toThrow();
  });

  const TIMESTAMPS: [string, string, number | null][] = [
    // tlog-cosignature.md's example, whose signed message the spec gives as "time 1679315147"
    [
      'spec example',
      'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
      1679315147,
    ],
    // transparency-dev/formats note_cosigv1_test.go TestCoSigV1Timestamp
    [
      'formats "works"',
      'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==',
      1727964367,
    ],
    [
      'formats "wrong type of signature"',
      'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=',
      null,
    ],
    ['formats "gibberish"', '5%/$!\n 2', null],
  ];
  it.each(TIMESTAMPS)('reads the timestamp of %s', (_name, sig, time) => {
    expect(cosignatureTimestamp(sig)).toBe(time);
  });

  it('signs exactly the message of the spec: header, time line, then the whole checkpoint body', () => {
    const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    expect(fromUtf8(cosignedMessage(body, 1679315147))).toBe(
      'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
  });

  it('writes a 4-byte key ID, an 8-byte big-endian timestamp and a 64-byte Ed25519 signature, and verifies only that body', () => {
    const signer = parseCosignerKey(encodeCosignerKey('witness.example/w1', new Uint8Array(32).fill(7)));
    const verifier = parseCosignerVerifier(signer.verifierKey);
    const body = 'relais.test/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const line = cosign(signer, body, 2 ** 32 + 5);
    const [, name, b64] = /^\u2014 (\S+) (\S+)\n$/.exec(line)!;
    expect(name).toBe('witness.example/w1');
    const bytes = Uint8Array.from(atob(b64!), (c) => c.charCodeAt(0));
    expect(bytes.length).toBe(4 + 8 + 64);
    expect([...bytes.subarray(4, 12)]).toEqual([0, 0, 0, 1, 0, 0, 0, 5]);
    const sig = { name: name!, keyId: verifier.keyId, base64: b64! };
    expect(verifyCosignature(verifier, body, sig)).toBe(2 ** 32 + 5);
    expect(verifyCosignature(verifier, body.replace('3', '4'), sig)).toBeNull();
    expect(verifyCosignature(parseCosignerVerifier(generateCosignerKey('witness.example/w1').verifierKey), body, sig)).toBeNull();
  });
});

describe('relais cosigner serve (C2SP tlog-witness)', () => {
  const dir = tempDir('relais-cosigner-');
  const log = generateSignerKey('relais.test/log');
  const logSigner = parseSignerKey(log.signerKey);
  const witness = generateCosignerKey('witness.test/w');
  const verifier = parseCosignerVerifier(witness.verifierKey);
  let child: ChildProcess;
  let url = '';
  const tree = new MemoryHashStore();
  const checkpoint = (t: MemoryHashStore, signer = logSigner, origin = 'relais.test/log') =>
    signCheckpoint({ origin, size: t.size, rootHash: t.root(), extensions: [] }, signer);
  const grow = (t: MemoryHashStore, n: number, tag = '') => {
    for (let i = 0; i < n; i++) t.appendEntry(new TextEncoder().encode(`entry ${t.size}${tag}`));
  };
  const add = async (body: string) => {
    const res = await fetch(`${url}/add-checkpoint`, { method: 'POST', body });
    return { status: res.status, type: res.headers.get('Content-Type') ?? '', body: await res.text() };
  };

  it('is keyed by `relais cosigner keygen`, which writes a cosignature/v1 signer and verifier key and never overwrites them', async () => {
    const prefix = join(dir, 'made');
    const made = await relais(['cosigner', 'keygen', '--name', 'inspection.example/witness', '--out', prefix]);
    expect(made.code, made.stderr).toBe(0);
    const signer = parseCosignerKey(readFileSync(`${prefix}.key`, 'utf8').trim());
    expect(signer.verifierKey).toBe(readFileSync(`${prefix}.pub`, 'utf8').trim());
    expect(signer.verifierKey).toMatch(/^inspection\.example\/witness\+[0-9a-f]{8}\+B[A-P]/);
    expect(statSync(`${prefix}.key`).mode & 0o077).toBe(0);
    expect((await relais(['cosigner', 'keygen', '--name', 'x', '--out', prefix])).code).toBe(2);
  });

  beforeAll(async () => {
    writeFileSync(join(dir, 'w.key'), `${witness.signerKey}\n`);
    writeFileSync(join(dir, 'log.pub'), `${log.verifierKey}\n`);
    child = spawn(
      process.execPath,
      [BIN, 'cosigner', 'serve', '--key', join(dir, 'w.key'), '--db', join(dir, 'w.db'), '--log-key', join(dir, 'log.pub'), '--port', '0'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    url = await new Promise((resolve) => {
      let err = '';
      child.stderr!.on('data', (d) => {
        err += d;
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (m) resolve(m[1]!);
      });
    });
  }, 30_000);
  afterAll(() => child?.kill('SIGTERM'));

  it('cosigns a first checkpoint from old size 0, with a cosignature that verifies for it', async () => {
    grow(tree, 5);
    const note = checkpoint(tree);
    const answer = await add(formatAddCheckpoint({ oldSize: 0, proof: [], note }));
    expect(answer.status).toBe(200);
    const [, name, b64] = /^\u2014 (\S+) (\S+)\n$/.exec(answer.body)!;
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    const time = verifyCosignature(verifier, body, { name: name!, keyId: verifier.keyId, base64: b64! });
    expect(Math.abs(time! - Date.now() / 1000)).toBeLessThan(60);
  });

  it('answers 409 text/x.tlog.size with its size when the old size is not its latest', async () => {
    grow(tree, 3);
    const answer = await add(formatAddCheckpoint({ oldSize: 0, proof: [], note: checkpoint(tree) }));
    expect(answer).toEqual({ status: 409, type: 'text/x.tlog.size', body: '5\n' });
  });

  it('answers 422 to a proof that does not verify, and cosigns with the right one', async () => {
    const proof = await proveConsistency(5, 8, tree);
    const wrong = proof.map((h, i) => (i === 0 ? new Uint8Array(32) : h));
    expect((await add(formatAddCheckpoint({ oldSize: 5, proof: wrong, note: checkpoint(tree) }))).status).toBe(422);
    expect((await add(formatAddCheckpoint({ oldSize: 5, proof, note: checkpoint(tree) }))).status).toBe(200);
  });

  it('refuses a fork of the same size (409), a fork that grows (422), and a rollback (400)', async () => {
    const fork = new MemoryHashStore();
    grow(fork, 8, 'x');
    expect((await add(formatAddCheckpoint({ oldSize: 8, proof: [], note: checkpoint(fork) }))).status).toBe(409);
    grow(fork, 2, 'x');
    expect(
      (await add(formatAddCheckpoint({ oldSize: 8, proof: await proveConsistency(8, 10, fork), note: checkpoint(fork) }))).status,
    ).toBe(422);
    const small = new MemoryHashStore();
    grow(small, 4);
    expect((await add(formatAddCheckpoint({ oldSize: 8, proof: [], note: checkpoint(small) }))).status).toBe(400);
  });

  it('re-cosigns the same checkpoint (freshness without new entries)', async () => {
    expect((await add(formatAddCheckpoint({ oldSize: 8, proof: [], note: checkpoint(tree) }))).status).toBe(200);
  });

  it('answers 404 for an unknown log, 403 for a checkpoint not signed by the log key, 400 for a malformed body', async () => {
    const other = parseSignerKey(generateSignerKey('other.test/log').signerKey);
    expect((await add(formatAddCheckpoint({ oldSize: 0, proof: [], note: checkpoint(tree, other, 'other.test/log') }))).status).toBe(404);
    const impostor = parseSignerKey(generateSignerKey('relais.test/log').signerKey);
    expect((await add(formatAddCheckpoint({ oldSize: 8, proof: [], note: checkpoint(tree, impostor) }))).status).toBe(403);
    for (const body of ['', 'old 8\n', 'old 08\n\nx', `old 8\n${base64Encode(new Uint8Array(31))}\n\n${checkpoint(tree)}`]) {
      const answer = await add(body);
      expect(answer.status).toBe(400);
      expect(answer.body).not.toContain('08');
    }
  });
});
