// The auditor's verifier (src/cli/audit-verifier.ts) against logs that lie in each way the issue
// names — bad signature, wrong origin, rollback, fork (same size or extension), missing entry,
// changed or reordered entry — served by an in-memory log whose proofs come from the real
// stored-tree code. Small pages, so that paging, prefetch and the search for the first wrong
// entry cross many page boundaries.
import { describe, expect, it } from 'vitest';
import { VerificationFailure, verifyLog, type LogSource, type Trusted } from '../../src/client/audit-verifier.ts';
import {
  Frontier,
  generateSignerKey,
  MemoryHashStore,
  parseSignerKey,
  parseVerifierKey,
  proveConsistency,
  signCheckpoint,
  type NoteSigner,
} from '../../src/core/tlog/index.ts';

const ORIGIN = 'relais.test/log';
const keys = generateSignerKey(ORIGIN);
const signer = parseSignerKey(keys.signerKey);
const verifier = parseVerifierKey(keys.verifierKey);

const entry = (i: number, tag = '') => JSON.stringify({ action: 'report.list', actor: `member:m${i % 5}`, n: i, tag });
const entries = (n: number, tag = '') => Array.from({ length: n }, (_, i) => entry(i, tag));

/** A log server in memory: `tree` decides the checkpoint and proofs, `served` what /entries says. */
class FakeLog implements LogSource {
  requests = 0;
  tree: MemoryHashStore;
  served: string[];
  note: string;

  constructor(
    readonly signedEntries: string[],
    options: { served?: string[]; signer?: NoteSigner; origin?: string } = {},
  ) {
    this.tree = new MemoryHashStore();
    for (const e of signedEntries) this.tree.appendEntry(new TextEncoder().encode(e));
    this.served = options.served ?? signedEntries;
    this.note = signCheckpoint(
      { origin: options.origin ?? ORIGIN, size: this.tree.size, rootHash: this.tree.root(), extensions: [] },
      options.signer ?? signer,
    );
  }

  async checkpoint() {
    return this.note;
  }

  async entries(start: number, end: number) {
    this.requests++;
    return this.served.slice(start, end);
  }

  async consistencyProof(from: number, to: number) {
    return proveConsistency(from, to, this.tree);
  }
}

async function run(source: LogSource, trusted: Trusted | null, extra: { full?: boolean } = {}) {
  return verifyLog({ source, origin: ORIGIN, verifier, trusted, pageSize: 7, ...extra });
}

async function failure(p: Promise<unknown>): Promise<{ kind: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VerificationFailure) return { kind: e.kind, message: e.message };
    throw e;
  }
  throw new Error('verification passed');
}

describe('audit verifier', () => {
  it('verifies a first run, then only the new entries from the saved frontier', async () => {
    const first = await run(new FakeLog(entries(40)), null);
    expect(first.checkpoint.size).toBe(40);
    const grown = new FakeLog(entries(100));
    const seen: number[] = [];
    const second = await verifyLog({ source: grown, origin: ORIGIN, verifier, trusted: first, pageSize: 7, onEntry: (i) => seen.push(i) });
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => 40 + i));
    expect(second.frontier.matches(100, grown.tree.root())).toBe(true);
    expect(grown.requests).toBe(Math.ceil(60 / 7));
  });

  it('refuses a checkpoint signed by another key or for another log', async () => {
    const other = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
    expect((await failure(run(new FakeLog(entries(5), { signer: other }), null))).kind).toBe('bad-signature');
    expect((await failure(run(new FakeLog(entries(5), { origin: 'other.example/log' }), null))).kind).toBe('wrong-origin');
    const log = new FakeLog(entries(5));
    log.note = log.note.replace('\n5\n', '\n6\n');
    expect((await failure(run(log, null))).kind).toBe('bad-signature');
  });

  it('calls a smaller tree a rollback', async () => {
    const trusted = await run(new FakeLog(entries(30)), null);
    const f = await failure(run(new FakeLog(entries(29)), trusted));
    expect(f).toEqual({ kind: 'rollback', message: expect.stringContaining('fewer than the 30 you verified before') });
  });

  it('calls another tree of the same size, or a larger tree that does not extend the trusted one, a fork', async () => {
    const trusted = await run(new FakeLog(entries(30)), null);
    expect((await failure(run(new FakeLog(entries(30, 'forked')), trusted))).kind).toBe('fork');
    // The forked log rewrites entry 12 and then grows: its served entries match its own checkpoint.
    const rewritten = entries(50);
    rewritten[12] = entry(12, 'rewritten');
    const f = await failure(run(new FakeLog(rewritten), trusted));
    expect(f).toEqual({ kind: 'fork', message: expect.stringContaining('does not extend the one of 30 entries') });
    // Re-checking everything from the start finds the same fork.
    expect((await failure(run(new FakeLog(rewritten), trusted, { full: true }))).kind).toBe('fork');
  });

  it('names a missing entry', async () => {
    const all = entries(50);
    const trusted = await run(new FakeLog(all.slice(0, 20)), null);
    const f = await failure(run(new FakeLog(all, { served: all.slice(0, 45) }), trusted));
    expect(f).toEqual({ kind: 'missing-entry', message: expect.stringContaining('does not serve entry #45') });
  });

  it('names the first changed entry, and the first of two swapped entries', async () => {
    const all = entries(64);
    const trusted = await run(new FakeLog(all.slice(0, 10)), null);
    for (const wrong of [10, 11, 23, 34, 63]) {
      const served = all.slice();
      served[wrong] = entry(wrong, 'changed');
      const f = await failure(run(new FakeLog(all, { served }), trusted));
      expect(f).toEqual({ kind: 'changed-entry', message: expect.stringContaining(`entry #${wrong} as served`) });
    }
    const swapped = all.slice();
    [swapped[31], swapped[44]] = [all[44]!, all[31]!];
    const f = await failure(run(new FakeLog(all, { served: swapped }), trusted));
    expect(f).toEqual({ kind: 'changed-entry', message: expect.stringContaining('entry #31 as served') });
  });

  it('finds an entry changed before the saved checkpoint only when asked to re-check everything', async () => {
    const all = entries(40);
    const trusted = await run(new FakeLog(all.slice(0, 20)), null);
    const served = all.slice();
    served[5] = entry(5, 'changed later');
    expect((await run(new FakeLog(all, { served }), trusted)).checkpoint.size).toBe(40);
    const f = await failure(run(new FakeLog(all, { served }), trusted, { full: true }));
    expect(f).toEqual({ kind: 'changed-entry', message: expect.stringContaining('entry #5 as served') });
  });

  it('keeps the trusted frontier unchanged when verification fails', async () => {
    const trusted = await run(new FakeLog(entries(20)), null);
    const before = trusted.frontier.hashes;
    await failure(run(new FakeLog(entries(30), { served: entries(30, 'x') }), trusted));
    expect(trusted.frontier.hashes).toEqual(before);
    expect(Frontier.fromHashes(20, before).matches(20, trusted.checkpoint.rootHash)).toBe(true);
  });
});
