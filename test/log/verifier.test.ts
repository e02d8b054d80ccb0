// The auditor's verifier and audit run (src/client/audit-verifier.ts, audit-run.ts, audit-rules.ts)
// against logs that lie in each way issues 6 and 11 name — bad signature, wrong origin, rollback,
// fork, missing entry, changed or reordered entry (also one verified before), a wrong stored hash or
// served proof, missing, invalid or stale cosignatures, a run whose own login is absent, broken
// rules — served by an in-memory log whose proofs come from the real stored-tree code and whose
// cosignatures come from real cosigner keys. Small pages, so that paging, prefetch and the search
// for the first wrong entry cross many page boundaries.
import { describe, expect, it } from 'vitest';
import { auditRun } from '../../src/client/audit-run.ts';
import {
  requireWitnessed,
  VerificationFailure,
  verifyLog,
  type LogSource,
  type Trusted,
  type TrustPolicy,
} from '../../src/client/audit-verifier.ts';
import { auditEntryJson, sessionLogId } from '../../src/core/audit-entry.ts';
import {
  base64Decode,
  base64Encode,
  cosign,
  generateCosignerKey,
  generateSignerKey,
  MemoryHashStore,
  parseCosignerKey,
  parseCosignerVerifier,
  parseSignerKey,
  parseVerifierKey,
  proveConsistency,
  proveInclusion,
  signCheckpoint,
  storedHashCount,
  type CosignerSigner,
  type NoteSigner,
} from '../../src/core/tlog/index.ts';

const ORIGIN = 'relais.test/log';
const keys = generateSignerKey(ORIGIN);
const signer = parseSignerKey(keys.signerKey);
const verifier = parseVerifierKey(keys.verifierKey);
const witnesses = [generateCosignerKey('w1.example/w'), generateCosignerKey('w2.example/w')];
const cosigners: CosignerSigner[] = witnesses.map((w) => parseCosignerKey(w.signerKey));
const policy = (quorum = 2, maxAgeSeconds = 900): TrustPolicy => ({
  origin: ORIGIN,
  logVerifier: verifier,
  cosigners: witnesses.map((w) => parseCosignerVerifier(w.verifierKey)),
  quorum,
  maxAgeSeconds,
});
const now = () => Date.now();

const entry = (i: number, tag = '') => JSON.stringify({ action: 'report.list', actor: `member:m${i % 5}`, n: i, tag });
const entries = (n: number, tag = '') => Array.from({ length: n }, (_, i) => entry(i, tag));

/** A log server in memory: `tree` decides the checkpoint and proofs, `served` what /entries says. */
class FakeLog implements LogSource {
  requests = 0;
  tree: MemoryHashStore;
  served: string[];
  note: string;
  corruptHash: number | null = null;
  corruptProof = false;

  constructor(
    readonly signedEntries: string[],
    options: { served?: string[]; signer?: NoteSigner; origin?: string; cosignedBy?: CosignerSigner[]; cosignedAt?: number } = {},
  ) {
    this.tree = new MemoryHashStore();
    for (const e of signedEntries) this.tree.appendEntry(new TextEncoder().encode(e));
    this.served = options.served ?? signedEntries;
    this.note = signCheckpoint(
      { origin: options.origin ?? ORIGIN, size: this.tree.size, rootHash: this.tree.root(), extensions: [] },
      options.signer ?? signer,
    );
    const body = this.note.slice(0, this.note.indexOf('\n\n') + 1);
    const at = options.cosignedAt ?? Math.floor(Date.now() / 1000);
    for (const c of options.cosignedBy ?? cosigners) this.note += cosign(c, body, at);
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

  async inclusionProof(index: number, size: number) {
    const proof = await proveInclusion(index, size, this.tree);
    if (this.corruptProof && proof.length > 0) proof[0] = new Uint8Array(32);
    return proof;
  }

  async storedHashes(start: number, end: number) {
    const out = new Uint8Array((Math.min(end, this.tree.storedCount) - start) * 32);
    for (let i = start; i < start + out.length / 32; i++)
      out.set(i === this.corruptHash ? new Uint8Array(32) : this.tree.hashAt(i), (i - start) * 32);
    return out;
  }
}

async function run(
  source: LogSource,
  trusted: Trusted | null,
  extra: { mode?: 'full' | 'new-only'; quorum?: number; maxAge?: number } = {},
) {
  const p = policy(extra.quorum, extra.maxAge);
  const result = await verifyLog({ source, policy: p, trusted, pageSize: 7, mode: extra.mode ?? 'full', now });
  requireWitnessed(result.cosignatures, p, result.trusted.checkpoint.size, now());
  return result.trusted;
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
  it('verifies a first run, then re-reads every entry against the kept leaf hashes; --new-only reads only the new ones', async () => {
    const first = await run(new FakeLog(entries(40)), null);
    expect(first.checkpoint.size).toBe(40);
    expect(first.leaves?.length).toBe(40 * 32);
    const grown = new FakeLog(entries(100));
    const seen: number[] = [];
    await verifyLog({ source: grown, policy: policy(), trusted: first, pageSize: 7, onEntry: (i) => seen.push(i) });
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const fast = new FakeLog(entries(100));
    const newOnly: number[] = [];
    await verifyLog({ source: fast, policy: policy(), trusted: first, pageSize: 7, mode: 'new-only', onEntry: (i) => newOnly.push(i) });
    expect(newOnly).toEqual(Array.from({ length: 60 }, (_, i) => 40 + i));
    expect(fast.requests).toBe(Math.ceil(60 / 7));
  });

  it('refuses a checkpoint signed by another key or for another log', async () => {
    const other = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
    expect((await failure(run(new FakeLog(entries(5), { signer: other }), null))).kind).toBe('bad-signature');
    expect((await failure(run(new FakeLog(entries(5), { origin: 'other.example/log' }), null))).kind).toBe('wrong-origin');
    const log = new FakeLog(entries(5));
    log.note = log.note.replace('\n5\n', '\n6\n');
    expect((await failure(run(log, null))).kind).toBe('bad-signature');
  });

  it('counts only valid cosignatures of trusted cosigners against the quorum, and refuses an invalid one', async () => {
    expect((await failure(run(new FakeLog(entries(5), { cosignedBy: [] }), null, { quorum: 1 }))).kind).toBe('quorum');
    expect((await run(new FakeLog(entries(5), { cosignedBy: [cosigners[0]!] }), null, { quorum: 1 })).checkpoint.size).toBe(5);
    const f = await failure(run(new FakeLog(entries(5), { cosignedBy: [cosigners[0]!] }), null, { quorum: 2 }));
    expect(f).toEqual({ kind: 'quorum', message: expect.stringContaining('1 valid cosignature(s) of the 2 cosigners you trust') });
    // A cosigner nobody trusts counts for nothing; a trusted one whose signature fails is refused.
    const stranger = parseCosignerKey(generateCosignerKey('w1.example/w').signerKey);
    expect((await failure(run(new FakeLog(entries(5), { cosignedBy: [stranger] }), null, { quorum: 1 }))).kind).toBe('quorum');
    const log = new FakeLog(entries(5));
    const lines = log.note.split('\n');
    const [dash, name, sig] = lines[lines.length - 2]!.split(' ');
    const bytes = base64Decode(sig!)!;
    bytes[40] = (bytes[40] as number) ^ 1;
    lines[lines.length - 2] = `${dash} ${name} ${base64Encode(bytes)}`;
    log.note = lines.join('\n');
    expect((await failure(run(log, null))).kind).toBe('bad-cosignature');
  });

  it('calls cosignatures older than the maximum age stale', async () => {
    const old = Math.floor(Date.now() / 1000) - 1000;
    const f = await failure(run(new FakeLog(entries(5), { cosignedAt: old }), null, { quorum: 1 }));
    expect(f).toEqual({
      kind: 'stale',
      message: expect.stringMatching(/newest cosignature of the checkpoint is 10\d\d s old, more than your maximum of 900 s/),
    });
  });

  it('calls a smaller tree a rollback, another tree of the same size or one that does not extend it a fork', async () => {
    const trusted = await run(new FakeLog(entries(30)), null);
    const f = await failure(run(new FakeLog(entries(29)), trusted));
    expect(f).toEqual({ kind: 'rollback', message: expect.stringContaining('fewer than the 30 you verified before') });
    expect((await failure(run(new FakeLog(entries(30, 'forked')), trusted))).kind).toBe('fork');
    const rewritten = entries(50);
    rewritten[12] = entry(12, 'rewritten');
    expect(await failure(run(new FakeLog(rewritten), trusted))).toEqual({
      kind: 'changed-entry',
      message: expect.stringContaining('entry #12, which you verified before, is served changed'),
    });
    expect((await failure(run(new FakeLog(rewritten), trusted, { mode: 'new-only' }))).kind).toBe('fork');
  });

  it('names a missing entry, and one verified before that is gone', async () => {
    const all = entries(50);
    const trusted = await run(new FakeLog(all.slice(0, 20)), null);
    expect(await failure(run(new FakeLog(all, { served: all.slice(0, 45) }), trusted))).toEqual({
      kind: 'missing-entry',
      message: expect.stringContaining('does not serve entry #45'),
    });
    expect(await failure(run(new FakeLog(all, { served: all.slice(0, 15) }), trusted))).toEqual({
      kind: 'missing-entry',
      message: expect.stringContaining('entry #15, which you verified before, is no longer served'),
    });
  });

  it('names the first changed new entry, and the first of two swapped entries', async () => {
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
    expect(await failure(run(new FakeLog(all, { served: swapped }), trusted))).toEqual({
      kind: 'changed-entry',
      message: expect.stringContaining('entry #31 as served'),
    });
  });

  it('names a stored hash or a served proof that differs from its own computation', async () => {
    for (const index of [0, 5, storedHashCount(40) - 1]) {
      const log = new FakeLog(entries(40));
      log.corruptHash = index;
      expect(await failure(run(log, null))).toEqual({ kind: 'stored-hash', message: expect.stringContaining(`stored hash #${index} `) });
    }
    const log = new FakeLog(entries(40));
    log.corruptProof = true;
    expect((await failure(run(log, null))).kind).toBe('bad-proof');
  });
});

describe('audit run', () => {
  const token = 'A'.repeat(43);
  const login = (i: number) =>
    auditEntryJson({ action: 'staff.login', actor: 'member:auditor', time: 1e12 + i, details: { session: sessionLogId(token) } });
  const config = auditEntryJson({
    action: 'config.changed',
    actor: 'system',
    time: 1e12,
    details: { membership: { 'inbox:custody': { c1: 'k1', c2: 'k2' }, 'inbox:police': { o1: 'k3' }, auditors: { auditor: 'k4' } } },
  });
  const step = (action: 'disclosure.requested' | 'disclosure.approved' | 'disclosure.refused' | 'disclosure.fetched', actor: string) =>
    auditEntryJson({ action, actor: `member:${actor}`, time: 1e12, report: 'R-1', inbox: 'police', details: { disclosure: 'D-1' } });
  const received = auditEntryJson({
    action: 'report.received',
    actor: 'system',
    bucket: 1e9,
    report: 'R-1',
    details: { inboxes: ['police'], identity: ['custody'] },
  });
  const audit = (log: string[], options: { waitSeconds?: number } = {}) =>
    auditRun({
      source: new FakeLog(log),
      policy: policy(),
      trusted: null,
      mode: 'full',
      ownSession: sessionLogId(token),
      waitSeconds: options.waitSeconds ?? 0,
      sleep: async () => {},
    });

  it('passes an honest log with this run’s own login and counts the rules it checked', async () => {
    const result = await audit([
      config,
      received,
      step('disclosure.requested', 'c1'),
      step('disclosure.approved', 'c2'),
      step('disclosure.fetched', 'o1'),
      login(5),
    ]);
    expect(result.ownLogin).toBe(5);
    expect(result.rules).toMatchObject({ disclosuresFetched: 1, reportActions: 2, staffActions: 4 });
  });

  it('fails when this run’s login is absent, even with an earlier login by the same auditor', async () => {
    const other = auditEntryJson({
      action: 'staff.login',
      actor: 'member:auditor',
      time: 1,
      details: { session: sessionLogId('B'.repeat(43)) },
    });
    expect((await failure(audit([config, other]))).kind).toBe('own-login');
  });

  it('names a fetch without a second custodian’s approval, after a refusal, and a key outside the config', async () => {
    const cases: [string[], RegExp][] = [
      [
        [config, received, step('disclosure.requested', 'c1'), step('disclosure.fetched', 'o1')],
        /entry #3: D-1 fetched by o1 without an approval/,
      ],
      [
        [config, received, step('disclosure.requested', 'c1'), step('disclosure.approved', 'c1')],
        /entry #3: D-1 approved by c1, who asked for it/,
      ],
      [
        [
          config,
          received,
          step('disclosure.requested', 'c1'),
          step('disclosure.approved', 'c2'),
          step('disclosure.refused', 'c2'),
          step('disclosure.fetched', 'o1'),
        ],
        /entry #5: D-1 fetched by o1 after it was refused/,
      ],
      [
        [config, received, step('disclosure.requested', 'o1')],
        /entry #2: disclosure.requested of R-1 by o1, who was not then a member of custody/,
      ],
      [[config, step('disclosure.requested', 'ghost')], /entry #1: disclosure.requested by ghost, who is not in the config in force/],
    ];
    for (const [log, pattern] of cases) {
      const f = await failure(audit([...log, login(log.length)]));
      expect(f.kind).toBe('rule');
      expect(f.message).toMatch(pattern);
    }
  });
});
