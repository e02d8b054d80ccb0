// The transparency log's tables and integration on every store adapter (test/store/adapters.ts:
// a SQLite file, and D1 in the real Workers runtime), since D1 has no interactive transactions
// and must refuse a stale integration or a bad checkpoint inside one batch as SQLite does
// (issue 6, DESIGN promise 7). The tree, its proofs and its checkpoint are checked against the
// plain RFC 9162 reference of test/tlog/reference.ts.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateSignerKey,
  openCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  proveConsistency,
  proveInclusion,
} from '../../src/core/tlog/index.ts';
import { TransparencyLog } from '../../src/server/log.ts';
import { ConstraintError } from '../../src/store/driver.ts';
import { LogTable } from '../../src/store/log-table.ts';
import { Store } from '../../src/store/store.ts';
import { ADAPTERS } from '../store/adapters.ts';
import { ReferenceTree } from '../tlog/reference.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const keys = generateSignerKey('relais.test/log');

describe.each(ADAPTERS)('transparency log on $name', (adapter) => {
  let store: Store;
  let close: () => Promise<void>;

  beforeEach(async () => {
    const opened = await adapter.open();
    store = new Store(opened.db, opened.blobs);
    close = opened.close;
  });
  afterEach(async () => close());
  afterAll(async () => adapter.dispose());

  it('integrates in guarded batches, proves from stored hashes and signs the reference tree', async () => {
    const lines: string[] = [];
    const log = new TransparencyLog({
      store,
      origin: 'relais.test/log',
      verifierKey: keys.verifierKey,
      signer: parseSignerKey(keys.signerKey),
      log: (l) => lines.push(l),
    });
    const entries = Array.from({ length: 301 }, (_, i) => JSON.stringify({ action: 'report.list', i }));
    await store.audit.append(entries.slice(0, 100));
    expect(await log.integrate()).toEqual({ treeSize: 100, checkpointSize: 100 });
    await store.audit.append(entries.slice(100));
    expect(await log.integrate()).toEqual({ treeSize: 301, checkpointSize: 301 });
    expect(lines).toEqual([]);

    const reference = new ReferenceTree(entries.map((e) => new TextEncoder().encode(e)));
    const latest = await log.table.latestCheckpoint();
    const { checkpoint } = openCheckpoint(latest!.note, { origin: 'relais.test/log', logVerifier: parseVerifierKey(keys.verifierKey) });
    expect(hex(checkpoint.rootHash)).toBe(hex(reference.mth(0, 301)));
    for (const [index, size] of [
      [0, 1],
      [5, 100],
      [255, 256],
      [300, 301],
      [200, 300],
    ] as const) {
      expect((await proveInclusion(index, size, log.table)).map(hex)).toEqual(reference.path(index, 0, size).map(hex));
    }
    for (const [from, to] of [
      [1, 301],
      [100, 301],
      [256, 301],
      [3, 7],
    ] as const) {
      expect((await proveConsistency(from, to, log.table)).map(hex)).toEqual(reference.proof(from, to).map(hex));
    }
  });

  it('refuses a stale integration and a bad checkpoint with the whole batch', async () => {
    const table = new LogTable(store.db);
    const hash = (b: number) => new Uint8Array(32).fill(b);
    await store.batch(
      table.integrationStatements({ previous: 0, size: 2, root: hash(9), startIndex: 0, hashes: [hash(1), hash(2), hash(3)] }),
    );
    const fromTwo = { previous: 2, size: 3, root: hash(8), startIndex: 3, hashes: [hash(4)] };
    await store.batch(table.integrationStatements(fromTwo));
    const stale = [
      fromTwo, // the same step again
      { ...fromTwo, size: 4, startIndex: 4, hashes: [hash(6)] }, // from a head that moved on
      { previous: 0, size: 1, root: hash(7), startIndex: 0, hashes: [hash(5)] }, // from an older head
    ];
    for (const step of stale) await expect(store.batch(table.integrationStatements(step))).rejects.toBeInstanceOf(ConstraintError);
    expect(await table.head()).toEqual({ size: 3, root: hash(8) });
    expect(await table.readHashes([0, 1, 2, 3])).toEqual([hash(1), hash(2), hash(3), hash(4)]);
    await expect(table.readHashes([4])).rejects.toThrow('stored log hash 4 is missing');

    await store.batch([table.checkpointStatement({ size: 2, root: hash(9), note: 'n2' })]);
    for (const bad of [
      { size: 4, root: hash(1) },
      { size: 1, root: hash(1) },
      { size: 2, root: hash(1) },
    ]) {
      await expect(store.batch([table.checkpointStatement({ ...bad, note: 'x' })])).rejects.toBeInstanceOf(ConstraintError);
    }
    await store.batch([table.checkpointStatement({ size: 3, root: hash(8), note: 'n3' })]);
    expect(await table.latestCheckpoint()).toEqual({ size: 3, root: hash(8), note: 'n3' });
    await expect(store.db.run('DELETE FROM log_checkpoints')).rejects.toThrow();
    await expect(store.db.run('UPDATE log_hashes SET hash = ? WHERE idx = 0', [hash(0)])).rejects.toThrow();
  });
});
