// The /api/v1/log routes (issue 6; DESIGN promises 7, 8 and 10) over real HTTP: the checkpoint is
// public, everything else is for auditors only; every inclusion and consistency proof of a small
// log verifies against the signed checkpoint and equals the plain RFC 9162 reference; bad input
// gets a 400 with a stable code and never an echo; auditors' reads are not logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReports } from '../../src/client/staff.ts';
import {
  base64Decode,
  storedHashCount,
  storedHashIndex,
  openCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
} from '../../src/core/tlog/index.ts';
import type { TestServer } from '../helpers/fixture.ts';
import { ReferenceTree } from '../tlog/reference.ts';
import { get, startLogServer, staff } from './helpers.ts';

let server: TestServer;
let auditor: string;
let checkpoint: Checkpoint;
let reference: ReferenceTree;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

beforeAll(async () => {
  server = await startLogServer();
  const officer = await staff(server, 'officer-a');
  for (let i = 0; i < 14; i++) await listReports(officer);
  auditor = (await staff(server, 'auditor-f')).token!;
  const res = await get(server, '/api/v1/log/checkpoint');
  checkpoint = openCheckpoint(res.text, {
    origin: 'relais.test/log',
    logVerifier: parseVerifierKey(server.config.logVerifierKey),
  }).checkpoint;
  const entries = (await server.relais.store.audit.range(0, 1e9)).map((r) => new TextEncoder().encode(r.entry));
  reference = new ReferenceTree(entries);
});
afterAll(async () => server?.close());

describe('the log API', () => {
  it('serves the latest checkpoint to anyone, as a signed note in plain text', async () => {
    const res = await get(server, '/api/v1/log/checkpoint');
    expect(res.type).toBe('text/plain; charset=utf-8');
    expect(checkpoint.size).toBe(18); // config, served code, officer login, 14 lists, auditor login
    expect(res.text.split('\n').slice(0, 2)).toEqual(['relais.test/log', '18']);
  });

  it('serves entries, proofs only to auditors', async () => {
    const officer = (await staff(server, 'officer-b')).token!;
    for (const path of [
      '/api/v1/log/entries?start=0&end=1',
      '/api/v1/log/proof/inclusion?index=0&size=1',
      '/api/v1/log/proof/consistency?from=1&to=2',
    ]) {
      expect([path, (await get(server, path)).body.error]).toEqual([path, 'unauthorized']);
      expect([path, (await get(server, path, officer)).status]).toEqual([path, 403]);
      expect([path, (await get(server, path, auditor)).status]).toEqual([path, 200]);
    }
  });

  it('serves the entries exactly as the tree hashes them', async () => {
    const res = await get(server, `/api/v1/log/entries?start=3&end=${checkpoint.size}`, auditor);
    expect(res.body.start).toBe(3);
    expect(res.body.entries).toHaveLength(checkpoint.size - 3);
    res.body.entries.forEach((e: string, i: number) => {
      const leaf = new ReferenceTree([new TextEncoder().encode(e)]).mth(0, 1);
      expect(hex(leaf)).toBe(hex(reference.leafHash(3 + i)));
    });
  });

  it('proves every entry in every tree size, and every tree size in every larger one, as the RFC says', async () => {
    const n = checkpoint.size;
    for (let size = 1; size <= n; size++) {
      const root = reference.mth(0, size);
      for (let index = 0; index < size; index++) {
        const res = await get(server, `/api/v1/log/proof/inclusion?index=${index}&size=${size}`, auditor);
        const proof = res.body.proof.map((p: string) => base64Decode(p)!);
        expect(proof.map(hex)).toEqual(reference.path(index, 0, size).map(hex));
        expect(verifyInclusion({ leafIndex: index, treeSize: size, leafHash: reference.leafHash(index), proof, rootHash: root })).toBe(
          true,
        );
      }
      for (let from = 1; from <= size; from++) {
        const res = await get(server, `/api/v1/log/proof/consistency?from=${from}&to=${size}`, auditor);
        const proof = res.body.proof.map((p: string) => base64Decode(p)!);
        expect(proof.map(hex)).toEqual(reference.proof(from, size).map(hex));
        expect(verifyConsistency({ oldSize: from, newSize: size, oldRoot: reference.mth(0, from), newRoot: root, proof })).toBe(true);
      }
    }
    expect(hex(reference.mth(0, n))).toBe(hex(checkpoint.rootHash));
  });

  it('serves the stored hashes as Go’s sumdb/tlog numbers them, 32 bytes each', async () => {
    const n = checkpoint.size;
    const res = await fetch(`${server.url}/api/v1/log/hashes?start=0&end=${storedHashCount(n)}`, {
      headers: { Authorization: `Bearer ${auditor}` },
    });
    expect(res.headers.get('Content-Type')).toBe('application/octet-stream');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBe(storedHashCount(n) * 32);
    for (let i = 0; i < n; i++) {
      const at = storedHashIndex(0, i) * 32;
      expect(hex(bytes.subarray(at, at + 32))).toBe(hex(reference.leafHash(i)));
    }
    const top = storedHashIndex(2, 0) * 32;
    if (n >= 4) expect(hex(bytes.subarray(top, top + 32))).toBe(hex(reference.mth(0, 4)));
  });

  it('refuses bad input with a stable code and never repeats it', async () => {
    const canary = '31337133713371337';
    const beyond = (await server.relais.tlog.table.head())!.size + 1;
    const cases: [string, number, string][] = [
      ['/entries', 400, 'bad_query'],
      ['/entries?start=0', 400, 'bad_query'],
      ['/entries?start=0&end=1&extra=1', 400, 'bad_query'],
      ['/entries?start=0&start=0&end=1', 400, 'bad_query'],
      ['/entries?start=-1&end=1', 400, 'bad_query'],
      ['/entries?start=01&end=2', 400, 'bad_query'],
      ['/entries?start=1.5&end=2', 400, 'bad_query'],
      ['/entries?start=0x1&end=2', 400, 'bad_query'],
      [`/entries?start=0&end=${canary}`, 400, 'bad_query'],
      ['/entries?start=0&end=99999999999999999999', 400, 'bad_query'],
      ['/entries?start=%F0%9F%92%A9&end=1', 400, 'bad_query'],
      ['/entries?start=5&end=5', 400, 'bad_range'],
      ['/entries?start=6&end=5', 400, 'bad_range'],
      ['/entries?start=0&end=10001', 400, 'range_too_large'],
      [`/entries?start=0&end=${beyond}`, 400, 'beyond_tree_size'],
      ['/entries?start=9000000000000000&end=9000000000000001', 400, 'beyond_tree_size'],
      ['/proof/inclusion?index=3', 400, 'bad_query'],
      ['/proof/inclusion?index=a&size=3', 400, 'bad_query'],
      ['/proof/inclusion?index=3&size=3', 400, 'bad_range'],
      ['/proof/inclusion?index=0&size=0', 400, 'bad_range'],
      [`/proof/inclusion?index=0&size=${beyond}`, 400, 'beyond_tree_size'],
      [`/proof/inclusion?index=0&size=${canary}`, 400, 'bad_query'],
      ['/proof/inclusion?index=0&size=9007199254740991', 400, 'beyond_tree_size'],
      ['/proof/consistency?from=0&to=3', 400, 'bad_range'],
      ['/proof/consistency?from=4&to=3', 400, 'bad_range'],
      [`/proof/consistency?from=1&to=${beyond}`, 400, 'beyond_tree_size'],
      ['/proof/consistency?from=1&to=2&to=3', 400, 'bad_query'],
      ['/proof/consistency?from=1', 400, 'bad_query'],
      ['/proof/nothing?from=1', 404, 'not_found'],
      ['/hashes?start=0', 400, 'bad_query'],
      [`/hashes?start=0&end=${canary}`, 400, 'bad_query'],
      ['/hashes?start=2&end=2', 400, 'bad_range'],
      ['/hashes?start=0&end=65537', 400, 'range_too_large'],
      [`/hashes?start=0&end=${storedHashCount(beyond)}`, 400, 'beyond_tree_size'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(server, `/api/v1/log${path}`, auditor);
      expect([path, res.status, res.body?.error]).toEqual([path, status, code]);
      expect(res.text).not.toContain(canary);
    }
    const checkpointWithQuery = await get(server, '/api/v1/log/checkpoint?size=3');
    expect([checkpointWithQuery.status, checkpointWithQuery.body.error]).toEqual([400, 'bad_query']);
  });

  it('does not log auditors’ reads of the log', async () => {
    const before = await server.relais.store.audit.size();
    await get(server, '/api/v1/log/entries?start=0&end=5', auditor);
    await get(server, '/api/v1/log/proof/inclusion?index=0&size=5', auditor);
    await get(server, '/api/v1/log/proof/consistency?from=1&to=5', auditor);
    await get(server, '/api/v1/log/checkpoint');
    expect(await server.relais.store.audit.size()).toBe(before);
  });
});
