// Benchmark of the transparency-log core (DESIGN promise 7: an auditor must verify the log in
// seconds). Measures in the same run, for @noble/hashes and for node:crypto:
//   - raw SHA-256 of 64-byte inputs (hashes/s, MB/s): the baseline;
//   - appending leaves of ~200-byte entries through storedHashesForAppend into a Map;
//   - verifying 1,000,000 new ~200-byte entries from a saved frontier against a checkpoint.
// Each rate is printed beside the raw baseline as "raw-hash equivalents per leaf" (how many
// 64-byte SHA-256 calls the same time would buy): about 3 is the floor, since a leaf costs one
// 201-byte leaf hash (4 compression blocks) plus on average one 65-byte node hash (2 blocks).
// Nothing here passes or fails on time.
import { createHash, hash as nodeOneShotHash } from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { Frontier, verifyAppendedEntries } from '../src/core/tlog/frontier.ts';
import { createTreeHasher, type Hash, type Sha256Fn, type TreeHasher } from '../src/core/tlog/hasher.ts';
import { storedHashesForAppend, type HashReader } from '../src/core/tlog/stored-tree.ts';

const ENTRY_SIZE = 200;
const VERIFY_ENTRIES = 1_000_000;
const APPEND_LEAVES = 200_000;
const APPEND_BATCH = 1_000;
const RAW_HASHES = 500_000;
const SAVED_SIZE = 12_345; // the auditor's last verified checkpoint

const implementations: { name: string; sha256: Sha256Fn }[] = [
  { name: 'noble', sha256: nobleSha256 },
  { name: 'node:crypto createHash', sha256: (m) => createHash('sha256').update(m).digest() },
  { name: 'node:crypto hash()', sha256: (m) => nodeOneShotHash('sha256', m, 'buffer') },
];

/** All entries in one buffer; entry i is a view, with its index written in so all differ. */
function makeEntries(count: number): Uint8Array[] {
  const buffer = new Uint8Array(count * ENTRY_SIZE);
  const template = new TextEncoder().encode(
    JSON.stringify({ action: 'report.read', officer: 'police-liaison-7', report: 'R-0000000000', at: '2026-11-26T05:00Z', pad: '' }).padEnd(
      ENTRY_SIZE,
      ' ',
    ),
  );
  const entries: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const entry = buffer.subarray(i * ENTRY_SIZE, (i + 1) * ENTRY_SIZE);
    entry.set(template.subarray(0, ENTRY_SIZE));
    const digits = String(i).padStart(10, '0');
    for (let d = 0; d < 10; d++) entry[60 + d] = digits.charCodeAt(d);
    entries.push(entry);
  }
  return entries;
}

function seconds(run: () => void): number {
  const t0 = performance.now();
  run();
  return (performance.now() - t0) / 1000;
}

async function secondsAsync(run: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) / 1000;
}

function rawRate(sha256: Sha256Fn): number {
  const input = new Uint8Array(64).map((_, i) => i);
  for (let i = 0; i < 20_000; i++) sha256(input); // warm-up
  const s = seconds(() => {
    for (let i = 0; i < RAW_HASHES; i++) {
      input[0] = i & 0xff;
      sha256(input);
    }
  });
  return RAW_HASHES / s;
}

/** A Map as stored-hash table: what the SQL/D1 store does with rows. */
class MapStore implements HashReader {
  readonly rows = new Map<number, Hash>();
  async readHashes(indexes: number[]): Promise<Uint8Array[]> {
    return indexes.map((i) => this.rows.get(i) as Hash);
  }
}

async function appendRate(hasher: TreeHasher, entries: Uint8Array[]): Promise<number> {
  const store = new MapStore();
  let size = 0;
  const s = await secondsAsync(async () => {
    for (let at = 0; at < APPEND_LEAVES; at += APPEND_BATCH) {
      const leafHashes = entries.slice(at, at + APPEND_BATCH).map((e) => hasher.hashLeaf(e));
      const { startIndex, hashes, frontier } = await storedHashesForAppend(size, leafHashes, store, hasher);
      hashes.forEach((h, i) => store.rows.set(startIndex + i, h));
      size = frontier.size;
    }
  });
  if (store.rows.size !== 2 * APPEND_LEAVES - popcount(APPEND_LEAVES)) throw new Error('append stored the wrong number of hashes');
  return APPEND_LEAVES / s;
}

function popcount(n: number): number {
  let c = 0;
  for (; n > 0; n = Math.floor(n / 2)) c += n % 2;
  return c;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default async function (): Promise<void> {
  console.log(`entries of ${ENTRY_SIZE} bytes; raw baseline: SHA-256 of 64-byte inputs`);
  const all = makeEntries(SAVED_SIZE + VERIFY_ENTRIES);
  const savedEntries = all.slice(0, SAVED_SIZE);
  const newEntries = all.slice(SAVED_SIZE);

  // The checkpoint the auditor verifies against, computed once by the log (default hasher).
  const log = Frontier.empty(createTreeHasher(implementations[0]!.sha256));
  for (const e of savedEntries) log.appendEntry(e);
  const savedHashes = log.hashes;
  for (const e of newEntries) log.appendEntry(e);
  const checkpoint = { size: log.size, root: log.root() };

  for (const impl of implementations) {
    const hasher = createTreeHasher(impl.sha256);
    const raw = rawRate(impl.sha256);
    console.log(`\n-- SHA-256: ${impl.name}`);
    console.log(`raw SHA-256 (64 B)          ${fmt(raw).padStart(12)} hashes/s  ${fmt((raw * 64) / 1e6, 1).padStart(7)} MB/s`);

    const append = await appendRate(hasher, all);
    console.log(`append (Map store)          ${fmt(append).padStart(12)} leaves/s  = ${fmt(raw / append, 2)} raw hashes per leaf`);

    const saved = Frontier.fromHashes(SAVED_SIZE, savedHashes, hasher);
    let next: Frontier | null = null;
    const s = seconds(() => {
      next = verifyAppendedEntries(saved, newEntries, checkpoint.size, checkpoint.root);
    });
    if (next === null) throw new Error('verification of the appended entries failed');
    const rate = VERIFY_ENTRIES / s;
    console.log(
      `verify 1,000,000 entries    ${fmt(rate).padStart(12)} leaves/s  = ${fmt(raw / rate, 2)} raw hashes per leaf  (${fmt(s, 2)} s in all)`,
    );
  }
}
