// The store contract: what every adapter must do, tested through the interface only.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConstraintError, sql, type SqlDriver } from '../../src/store/driver.ts';
import { applyMigrations } from '../../src/store/migrate.ts';
import type { NewReport } from '../../src/store/reports.ts';
import { Store } from '../../src/store/store.ts';
import { readMigrations } from '../../src/node.ts';
import { ADAPTERS } from './adapters.ts';

function report(overrides: Partial<NewReport> = {}): NewReport {
  return {
    category: 'trafic',
    receivedBucket: 1_800_000_000 - (1_800_000_000 % 3600),
    configHash: 'c'.repeat(64),
    routes: [
      { inboxId: 'police', audience: 'main' },
      { inboxId: 'city', audience: 'main' },
    ],
    parts: [
      { role: 'report', bytes: new Uint8Array([1, 2, 3]) },
      { role: 'attachment', bytes: new Uint8Array(100_000).fill(9) },
    ],
    spentChallenge: { nonce: `n-${crypto.randomUUID()}`, expires: 1_800_003_600 },
    ...overrides,
  };
}

describe.each(ADAPTERS)('store contract: $name', (adapter) => {
  let db: SqlDriver;
  let store: Store;
  let close: () => Promise<void>;

  beforeEach(async () => {
    const opened = await adapter.open();
    db = opened.db;
    close = opened.close;
    store = new Store(db, opened.blobs);
    // the members the unread view keeps rows for (the server writes them from its config at start)
    await store.reportList.syncMembers(
      ['m', 'm1', 'm2'].flatMap((memberId) => ['police', 'city', 'custody'].map((inboxId) => ({ inboxId, memberId }))),
    );
  });
  afterEach(async () => close());
  afterAll(async () => adapter.dispose());

  it('applies migrations once, however often it starts', async () => {
    expect(await applyMigrations(db, readMigrations())).toEqual([]);
    const names = await db.all<{ name: string }>('SELECT name FROM d1_migrations ORDER BY id');
    expect(names.map((n) => n.name)).toEqual(
      readMigrations()
        .map((m) => m.name)
        .sort(),
    );
  });

  it.each([
    ['still in the staging area', false],
    ['moved to the main tables', true],
  ])('rewrites a part’s bytes only if the part is still as it was read, and never orphans a blob (report %s)', async (_where, moved) => {
    const inserted = await store.reports.insert(report());
    if (!inserted.ok) throw new Error('not inserted');
    const { ref } = inserted;
    if (moved) await store.staging.move([{ ref, receipt: '{}' }]);
    for (const idx of [0, 1]) {
      const first = await store.reports.rewriteSealedStatements(ref, idx, new Uint8Array([7, 7, idx]));
      // A second grant computed from the same state as the first, which lands first.
      const racing = await store.reports.rewriteSealedStatements(ref, idx, new Uint8Array([8, 8, idx]));
      await store.batch(first!.statements);
      await store.blobs.delete(first!.replaced ? [first!.replaced] : []);
      await expect(store.batch(racing!.statements)).rejects.toBeInstanceOf(ConstraintError);
      if (racing!.added) await store.blobs.delete([racing!.added]);
      expect(await store.reports.partBytes(ref, idx)).toEqual(new Uint8Array([7, 7, idx]));
      expect((await store.reports.get(ref))?.parts.find((p) => p.idx === idx)?.size).toBe(3);
    }
    // The attachment's first bytes are gone, its new ones are the only ones (staged ones reach
    // the blob store when the report moves).
    const keys = async () => [
      ...(await db.all<{ key: string }>('SELECT key FROM blobs')),
      ...(await db.all<{ key: string }>('SELECT DISTINCT key FROM staged_blobs')),
    ];
    expect(await keys()).toHaveLength(1);
    if (!moved) {
      await store.staging.move([{ ref, receipt: '{}' }]);
      expect(await db.all('SELECT key FROM staged_blobs')).toEqual([]);
      expect(await keys()).toHaveLength(1);
      expect(await store.reports.partBytes(ref, 1)).toEqual(new Uint8Array([7, 7, 1]));
    }
    expect(await store.reports.rewriteSealedStatements(ref, 5, new Uint8Array([1]))).toBeNull();
    expect(await db.all('SELECT ok FROM key_packet_guard')).toEqual([]);
  });

  it('refuses a grant computed on a staged part once the part has moved, and redoes a move a grant overtook', async () => {
    const inserted = await store.reports.insert(report());
    if (!inserted.ok) throw new Error('not inserted');
    const { ref } = inserted;
    // Read in staging, written after the move: the guard refuses it (the client asks again).
    const stale = await store.reports.rewriteSealedStatements(ref, 1, new Uint8Array([5, 5]));
    await store.staging.move([{ ref, receipt: '{}' }]);
    await expect(store.batch(stale!.statements)).rejects.toBeInstanceOf(ConstraintError);
    expect(await store.reports.partBytes(ref, 1)).toEqual(new Uint8Array(100_000).fill(9));

    // A grant that lands while the move has published the bytes but not yet moved the rows.
    const second = await store.reports.insert(report());
    if (!second.ok) throw new Error('not inserted');
    const put = store.blobs.put.bind(store.blobs);
    let granted = false;
    store.blobs.put = async (key, bytes) => {
      await put(key, bytes);
      if (granted) return;
      granted = true;
      const grant = await store.reports.rewriteSealedStatements(second.ref, 1, new Uint8Array([6, 6]));
      await store.batch(grant!.statements);
    };
    await store.staging.move([{ ref: second.ref, receipt: '{}' }]);
    expect(granted).toBe(true);
    expect(await store.reports.partBytes(second.ref, 1)).toEqual(new Uint8Array([6, 6]));
    expect(await db.all('SELECT key FROM staged_blobs')).toEqual([]);
    // The copy published for nothing goes to the trash, and is swept.
    expect(await db.all('SELECT key FROM blob_trash')).toHaveLength(1);
    await store.sweepBlobs();
    const referenced = await db.all<{ key: string }>('SELECT blob_key AS key FROM parts WHERE blob_key IS NOT NULL');
    expect((await db.all<{ key: string }>('SELECT key FROM blobs')).map((r) => r.key).sort()).toEqual(referenced.map((r) => r.key).sort());
  });

  it('runs a batch all or nothing', async () => {
    await expect(
      db.batch([
        sql('INSERT INTO spent_challenges (nonce, expires) VALUES (?, ?)', 'a', 1),
        sql('INSERT INTO spent_challenges (nonce, expires) VALUES (?, ?)', 'a', 2),
      ]),
    ).rejects.toBeInstanceOf(ConstraintError);
    expect(await db.first('SELECT nonce FROM spent_challenges')).toBeNull();
  });

  it('returns blobs as plain Uint8Array, byte for byte', async () => {
    const bytes = new Uint8Array(70_000);
    crypto.getRandomValues(bytes.subarray(0, 65_536));
    await store.blobs.put('k1', bytes);
    const back = await store.blobs.get('k1');
    expect(back?.constructor).toBe(Uint8Array);
    expect(back).toEqual(bytes);
    await store.blobs.delete(['k1']);
    expect(await store.blobs.get('k1')).toBeNull();
  });

  it('stores a report with its parts and reads it back through its inboxes only', async () => {
    const outcome = await store.reports.insert(report());
    expect(outcome.ok).toBe(true);
    const ref = outcome.ok ? outcome.ref : '';
    expect(ref).toMatch(/^R-/);
    expect(await store.reports.audiences(ref, ['police'])).toEqual(['main']);
    expect(await store.reports.audiences(ref, ['custody'])).toEqual([]);
    const got = await store.reports.get(ref);
    expect(got?.parts).toEqual([
      { idx: 0, role: 'report', size: 3 },
      { idx: 1, role: 'attachment', size: 100_000 },
    ]);
    expect(await store.reports.partBytes(ref, 0)).toEqual(new Uint8Array([1, 2, 3]));
    expect((await store.reports.partBytes(ref, 1))?.length).toBe(100_000);
    const list = await store.reportList.list({ inboxIds: ['city'], memberId: 'm', limit: 10, offset: 0 });
    expect(list.total).toBe(1);
    expect(list.reports[0]).toMatchObject({ ref, attachments: 1, read: false, status: 'received' });
    expect((await store.reportList.list({ inboxIds: ['custody'], memberId: 'm', limit: 10, offset: 0 })).total).toBe(0);
  });

  it('refuses to spend a proof-of-work challenge twice and leaves no trace of the second report', async () => {
    const first = report();
    expect((await store.reports.insert(first)).ok).toBe(true);
    const again = await store.reports.insert({ ...report(), spentChallenge: first.spentChallenge });
    expect(again).toEqual({ ok: false, reason: 'challenge_spent' });
    expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM all_reports'))?.n).toBe(1);
    expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM staged_blobs'))?.n).toBe(1);
  });

  it('retries a reference collision with a fresh reference', async () => {
    const refs = ['R-AAAA-AAAA-AAAA', 'R-AAAA-AAAA-AAAA', 'R-BBBB-BBBB-BBBB'];
    const s = new Store(db, store.blobs, () => refs.shift() as string);
    expect(await s.reports.insert(report())).toEqual({ ok: true, ref: 'R-AAAA-AAAA-AAAA' });
    expect(await s.reports.insert(report())).toEqual({ ok: true, ref: 'R-BBBB-BBBB-BBBB' });
  });

  it('tracks unread reports per member', async () => {
    const a = await store.reports.insert(report());
    const ref = a.ok ? a.ref : '';
    await store.settle(ref);
    await store.batch([store.reports.markReadStatement(ref, 'm1'), store.reports.markReadStatement(ref, 'm1')]);
    const forM1 = await store.reportList.list({ inboxIds: ['police'], memberId: 'm1', unreadOnly: true, limit: 10, offset: 0 });
    const forM2 = await store.reportList.list({ inboxIds: ['police'], memberId: 'm2', unreadOnly: true, limit: 10, offset: 0 });
    expect(forM1.total).toBe(0);
    expect(forM2.total).toBe(1);
  });

  it('lists newest bucket first and pages through', async () => {
    for (let i = 0; i < 5; i++) await store.reports.insert(report({ receivedBucket: 3600 * (1000 + i) }));
    const page1 = await store.reportList.list({ inboxIds: ['police'], memberId: 'm', limit: 2, offset: 0 });
    const page3 = await store.reportList.list({ inboxIds: ['police'], memberId: 'm', limit: 2, offset: 4 });
    expect(page1.total).toBe(5);
    expect(page1.reports.map((r) => r.receivedBucket)).toEqual([3600 * 1004, 3600 * 1003]);
    expect(page3.reports.map((r) => r.receivedBucket)).toEqual([3600 * 1000]);
  });

  it('lists the open, unread and mine views, sorts by last activity and finds a report by the start of its reference', async () => {
    const bucket = 3600 * 500_000;
    const refs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await store.reports.insert(report({ receivedBucket: bucket + 3600 * i }));
      refs.push(r.ok ? r.ref : '');
    }
    const [a, b, c, d] = refs as [string, string, string, string];
    // Staff writes settle their report first; d stays in the staging area, and is listed all the same.
    for (const ref of [a, b, c]) await store.settle(ref);
    await store.batch([
      store.reports.setStatusStatement(a, 'closed'),
      store.reports.markReadStatement(b, 'm'),
      store.reportList.assignStatement(c, 'police', 'm'),
    ]);
    // a resident message on the oldest open report (stored at its bucket start, staged until its
    // bucket closes) makes it the most recent, and unread again
    await store.batch(
      store.messages.residentStatements(b, [{ kind: 'message', status: null, at: bucket + 3600 * 10, bytes: new Uint8Array([1]) }]),
    );
    const list = (extra: object) => store.reportList.list({ inboxIds: ['police'], memberId: 'm', limit: 10, offset: 0, ...extra });
    expect((await list({ view: 'open' })).reports.map((r) => r.ref)).toEqual([d, c, b]);
    expect((await list({ view: 'unread' })).reports.map((r) => r.ref)).toEqual([d, c, b, a]);
    expect((await list({ view: 'unread' })).total).toBe(4);
    expect((await list({ view: 'mine' })).reports.map((r) => r.ref)).toEqual([c]);
    expect((await list({ view: 'mine' })).reports[0]?.assignee).toBe('m');
    expect((await list({ sort: 'activity' })).reports.map((r) => r.ref)).toEqual([b, d, c, a]);
    expect((await list({ sort: 'activity' })).reports[0]?.activity).toBe(bucket + 3600 * 10);
    expect((await list({ status: 'closed' })).reports.map((r) => r.ref)).toEqual([a]);
    const found = await list({ search: { kind: 'ref', prefix: c.slice(0, 9) } });
    expect(found.reports.map((r) => r.ref)).toContain(c);
    expect((await list({ search: { kind: 'ref', prefix: c } })).reports.map((r) => r.ref)).toEqual([c]);
    expect((await list({ search: { kind: 'ref', prefix: d } })).reports.map((r) => r.ref)).toEqual([d]);
    // once the buckets close, everything is in the main tables and the lists say the same
    for (const r of await store.staging.dueReports(bucket + 3600 * 3)) await store.staging.move([{ ref: r.ref, receipt: '{}' }]);
    await store.staging.moveMessages(await store.staging.dueMessages(bucket + 3600 * 11));
    expect((await list({ view: 'unread' })).reports.map((r) => r.ref)).toEqual([d, c, b, a]);
    expect((await list({ sort: 'activity' })).reports.map((r) => r.ref)).toEqual([b, d, c, a]);
    // routed to police and city: a member of both sees it once
    const both = await store.reportList.list({ inboxIds: ['police', 'city'], memberId: 'm', limit: 10, offset: 0 });
    expect(both.total).toBe(4);
    expect(both.reports.map((r) => r.ref)).toEqual([d, c, b, a]);
    expect((await store.reportList.list({ inboxIds: ['custody'], memberId: 'm', limit: 10, offset: 0 })).total).toBe(0);
  });

  it('keeps exact view counts and unread rows as reports arrive, are read, change status, are assigned and are deleted', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await store.reports.insert(report());
      refs.push(r.ok ? r.ref : '');
    }
    const [a, b, c] = refs as [string, string, string];
    for (const ref of refs) await store.settle(ref);
    const counts = async () =>
      Object.fromEntries(
        (await db.all<{ key: string; n: number }>("SELECT key, n FROM list_counts WHERE inbox_id = 'police' AND n <> 0 ORDER BY key")).map(
          (r) => [r.key, r.n],
        ),
      );
    expect(await counts()).toEqual({ 'status:received': 3, 'unread:m': 3, 'unread:m1': 3, 'unread:m2': 3 });
    await store.batch([
      store.reports.markReadStatement(a, 'm'),
      store.reports.setStatusStatement(b, 'closed'),
      store.reportList.assignStatement(c, 'police', 'm'),
    ]);
    expect(await counts()).toEqual({
      'assignee:m': 1,
      'status:closed': 1,
      'status:received': 2,
      'unread:m': 2,
      'unread:m1': 3,
      'unread:m2': 3,
    });
    const list = (view: 'all' | 'open' | 'unread' | 'mine') =>
      store.reportList.list({ inboxIds: ['police'], memberId: 'm', view, limit: 10, offset: 0 });
    expect((await list('all')).total).toBe(3);
    expect((await list('open')).total).toBe(2);
    expect((await list('unread')).total).toBe(2);
    expect((await list('unread')).reports.map((r) => r.ref).sort()).toEqual([b, c].sort());
    expect((await list('mine')).total).toBe(1);
    // a resident message makes it unread again for whoever had read it
    await store.batch([store.reports.clearReadsStatement(a)]);
    expect((await list('unread')).total).toBe(3);
    // a member who leaves takes their unread rows; one who joins finds the reports unread
    await store.reportList.syncMembers([
      { inboxId: 'police', memberId: 'm' },
      { inboxId: 'police', memberId: 'm3' },
    ]);
    expect((await counts())['unread:m1']).toBeUndefined();
    expect((await counts())['unread:m3']).toBe(3);
    await store.batch(refs.flatMap((r) => store.reports.deleteStatements(r)));
    expect(await counts()).toEqual({});
    for (const table of ['inbox_reports', 'unread_reports'])
      expect((await db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n).toBe(0);
  });

  it('deletes a report with its routes, parts, read marks and messages, and sweeps its attachment bytes', async () => {
    const a = await store.reports.insert(report());
    const ref = a.ok ? a.ref : '';
    await store.settle(ref);
    await store.batch([
      store.reports.markReadStatement(ref, 'm1'),
      ...store.messages.residentStatements(ref, [{ kind: 'attachment', status: null, at: 1, bytes: new Uint8Array(10).fill(4) }]),
    ]);
    await store.staging.moveMessages(await store.staging.dueMessages(2));
    await store.batch(store.messages.residentStatements(ref, [{ kind: 'message', status: null, at: 3, bytes: new Uint8Array([5]) }]));
    // A staff attachment goes to the blob store at once.
    const staff = await store.messages.appendStatements(ref, [
      { author: 'staff', memberId: 'm1', kind: 'attachment', status: null, at: 4, bytes: new Uint8Array(10).fill(6) },
    ]);
    await store.batch(staff.statements);
    expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM blobs'))?.n).toBe(3);
    await store.batch(store.reports.deleteStatements(ref));
    for (const table of ['all_reports', 'all_routes', 'all_parts', 'report_reads', 'all_messages', 'staged_blobs', 'inbox_reports']) {
      expect((await db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n, table).toBe(0);
    }
    expect(await store.sweepBlobs()).toBe(3);
    expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM blobs'))?.n).toBe(0);
    expect(await store.sweepBlobs()).toBe(0);
  });

  it('keeps a new report in staging, readable everywhere, until it moves; a move repeated does nothing', async () => {
    const big = new Uint8Array(1_300_000).map((_, i) => i % 251);
    const digest = async (b: Uint8Array | null) =>
      b ? Buffer.from(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>)).toString('hex') : null;
    const a = await store.reports.insert(
      report({
        parts: [
          { role: 'report', bytes: new Uint8Array([1]) },
          { role: 'attachment', bytes: big },
        ],
      }),
    );
    const ref = a.ok ? a.ref : '';
    const count = async (table: string) => (await db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n;
    expect([await count('reports'), await count('staged_reports'), await count('staged_blobs'), await count('blobs')]).toEqual([
      0, 1, 2, 0,
    ]);
    expect(await digest(await store.reports.partBytes(ref, 1))).toBe(await digest(big));
    expect(await store.staging.dueBuckets(report().receivedBucket)).toEqual([]);
    expect(await store.staging.dueBuckets(report().receivedBucket + 3600)).toEqual([report().receivedBucket]);
    const due = await store.staging.dueReports(report().receivedBucket);
    expect(due).toEqual([{ ref, category: 'trafic', staged: true }]);
    await store.staging.move([{ ref, receipt: '{"receipt":1}' }]);
    await store.staging.move([{ ref, receipt: '{"receipt":1}' }]);
    expect([await count('reports'), await count('staged_reports'), await count('staged_blobs'), await count('blobs')]).toEqual([
      1, 0, 0, 1,
    ]);
    expect([await count('staged_parts'), await count('staged_routes'), await count('parts'), await count('report_routes')]).toEqual([
      0, 0, 2, 2,
    ]);
    expect(await store.audit.size()).toBe(1);
    expect(await digest(await store.reports.partBytes(ref, 1))).toBe(await digest(big));
    expect(await store.staging.dueBuckets(report().receivedBucket + 3600)).toEqual([]);
  });

  it('logs the receipt of a report settled early by staff with the rest of its bucket, once', async () => {
    const a = await store.reports.insert(report());
    const ref = a.ok ? a.ref : '';
    await store.settle(ref);
    await store.settle(ref);
    expect(await store.audit.size()).toBe(0);
    expect(await store.staging.dueReports(report().receivedBucket)).toEqual([{ ref, category: 'trafic', staged: false }]);
    await store.staging.move([{ ref, receipt: '{"receipt":2}' }]);
    await store.staging.move([{ ref, receipt: '{"receipt":2}' }]);
    expect(await store.audit.size()).toBe(1);
    expect(await store.staging.dueReports(report().receivedBucket)).toEqual([]);
  });

  it('refuses a reference, lookup hash or witness number that the main tables already hold', async () => {
    const followUp = { lookupHash: 'l'.repeat(64), publicKey: 'p', lockedKey: 'k' };
    const refs = [
      'R-CCCC-CCCC-CCCC',
      'R-CCCC-CCCC-CCCC',
      'R-DDDD-DDDD-DDDD',
      ...'EFGHJK'.split('').map((c) => `R-${c.repeat(4)}-AAAA-AAAA`),
    ];
    const s = new Store(db, store.blobs, () => refs.shift() as string);
    const first = await s.reports.insert(report({ followUp }), (ref) => [s.witnesses.insertStatement('W-CCCC-CCCC', ref)]);
    await s.settle(first.ok ? first.ref : '');
    // A reference the main tables hold is a collision: retried with a fresh one.
    expect(await s.reports.insert(report())).toEqual({ ok: true, ref: 'R-DDDD-DDDD-DDDD' });
    // A lookup hash either place holds: refused as such (its challenge spent all the same).
    expect(await s.reports.insert(report({ followUp }))).toEqual({ ok: false, reason: 'lookup_taken' });
    await expect(s.reports.insert(report(), (ref) => [s.witnesses.insertStatement('W-CCCC-CCCC', ref)])).rejects.toBeInstanceOf(
      ConstraintError,
    );
    expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM all_reports'))?.n).toBe(2);
  });

  it('numbers messages across both places and moves them once their bucket has closed and their report has moved', async () => {
    const a = await store.reports.insert(report());
    const ref = a.ok ? a.ref : '';
    const message = (at: number, kind: 'message' | 'attachment' = 'message') => ({
      kind,
      status: null,
      at,
      bytes: new Uint8Array([at]),
    });
    await store.batch(store.messages.residentStatements(ref, [message(10), message(10, 'attachment')]));
    // The report is still staged: its messages wait for it.
    expect(await store.staging.dueMessages(20)).toEqual([]);
    await store.settle(ref);
    const due = await store.staging.dueMessages(20);
    expect(due.map((m) => m.idx).sort()).toEqual([0, 1]);
    await store.staging.moveMessages(due);
    await store.batch(store.messages.residentStatements(ref, [message(30)]));
    expect((await store.messages.list(ref, ['message', 'attachment'])).map((m) => [m.idx, m.at])).toEqual([
      [0, 10],
      [1, 10],
      [2, 30],
    ]);
    expect((await store.messages.get(ref, 1))?.bytes).toEqual(new Uint8Array([10]));
    expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM staged_messages'))?.n).toBe(1);
    expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM staged_blobs'))?.n).toBe(0);
  });

  it('appends audit entries with consecutive indexes and refuses to change them', async () => {
    await store.audit.append(['{"a":1}', '{"a":2}']);
    await store.audit.append(['{"a":3}']);
    expect(await store.audit.size()).toBe(3);
    expect(await store.audit.range(1, 3)).toEqual([
      { idx: 1, entry: '{"a":2}' },
      { idx: 2, entry: '{"a":3}' },
    ]);
    await expect(db.run("UPDATE audit_entries SET entry = 'x' WHERE idx = 0")).rejects.toThrow(/append-only/);
    await expect(db.run('DELETE FROM audit_entries WHERE idx = 2')).rejects.toThrow(/append-only/);
  });

  it('keeps sessions by token hash, with touch and expiry', async () => {
    await store.batch([
      store.sessions.createStatement('h1', 'officer-a', 1000, 9000),
      store.sessions.createStatement('h2', 'officer-b', 1000, 2000),
    ]);
    await store.sessions.touch('h1', 1500);
    expect(await store.sessions.get('h1')).toEqual({ memberId: 'officer-a', created: 1000, lastUsed: 1500, expires: 9000 });
    expect(await store.sessions.deleteExpired(2500, 10_000)).toBe(1);
    expect(await store.sessions.get('h2')).toBeNull();
  });

  it('keeps one witness number per witness request and lists witnesses through their custody inboxes only', async () => {
    const witness = (n: string) => (ref: string) => [store.witnesses.insertStatement(n, ref)];
    const a = await store.reports.insert(
      report({
        routes: [
          { inboxId: 'police', audience: 'main' },
          { inboxId: 'custody', audience: 'identity' },
        ],
        parts: [
          { role: 'report', bytes: new Uint8Array([1]) },
          { role: 'identity', bytes: new Uint8Array([2]) },
        ],
      }),
      witness('W-AAAA-AAAA'),
    );
    const ref = a.ok ? a.ref : '';
    expect(await store.witnesses.numberOf(ref)).toBe('W-AAAA-AAAA');
    expect(await store.witnesses.refOf('W-AAAA-AAAA')).toBe(ref);
    // The same number again fails the whole report, not only the number.
    await expect(store.reports.insert(report(), witness('W-AAAA-AAAA'))).rejects.toBeInstanceOf(ConstraintError);
    expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM all_reports'))?.n).toBe(1);
    expect((await store.witnesses.list({ inboxIds: ['custody'], limit: 10, offset: 0 })).witnesses).toEqual([
      {
        number: 'W-AAAA-AAAA',
        ref,
        category: 'trafic',
        receivedBucket: report().receivedBucket,
        status: 'received',
        identityPart: 1,
        pending: 0,
      },
    ]);
    expect((await store.witnesses.list({ inboxIds: ['police'], limit: 10, offset: 0 })).total).toBe(0);
  });

  it('guards every disclosure step in the database: two different custodians, no step out of order, each in its own batch', async () => {
    const a = await store.reports.insert(
      report({
        routes: [
          { inboxId: 'police', audience: 'main' },
          { inboxId: 'custody', audience: 'identity' },
        ],
      }),
      (ref) => [store.witnesses.insertStatement('W-BBBB-BBBB', ref)],
    );
    expect(a.ok).toBe(true);
    await store.settle(a.ok ? a.ref : '');
    const create = (id: string) =>
      store.disclosures.createStatement({
        id,
        witness: 'W-BBBB-BBBB',
        inboxId: 'police',
        requestedBy: 'cust-a',
        requestedAt: 100,
        encryptedSha256: 'e'.repeat(64),
        sealed: new Uint8Array([7, 7]),
        review: new Uint8Array([8]),
      });
    const step = (id: string, action: 'approved' | 'refused' | 'withdrawn' | 'fetched', member: string) =>
      store.batch([
        store.disclosures.eventStatement(id, action, member, 200),
        sql('INSERT INTO spent_challenges (nonce, expires) VALUES (?, ?)', `marker-${crypto.randomUUID()}`, 1),
      ]);
    const markers = async () =>
      (await db.first<{ n: number }>("SELECT COUNT(*) AS n FROM spent_challenges WHERE nonce LIKE 'marker-%'"))?.n;
    await store.batch([create('D-AAAA-AAAA-AAAA')]);
    // A second open disclosure to the same inbox is refused.
    await expect(store.batch([create('D-AAAA-AAAA-AAAB')])).rejects.toBeInstanceOf(ConstraintError);
    // The requester cannot approve or refuse; fetching before approval is refused; nothing else in those batches stays.
    await expect(step('D-AAAA-AAAA-AAAA', 'approved', 'cust-a')).rejects.toBeInstanceOf(ConstraintError);
    await expect(step('D-AAAA-AAAA-AAAA', 'refused', 'cust-a')).rejects.toBeInstanceOf(ConstraintError);
    await expect(step('D-AAAA-AAAA-AAAA', 'fetched', 'officer-a')).rejects.toBeInstanceOf(ConstraintError);
    await expect(step('D-ZZZZ-ZZZZ-ZZZZ', 'withdrawn', 'cust-a')).rejects.toBeInstanceOf(ConstraintError);
    expect(await markers()).toBe(0);
    await step('D-AAAA-AAAA-AAAA', 'approved', 'cust-b');
    await expect(step('D-AAAA-AAAA-AAAA', 'approved', 'cust-c')).rejects.toBeInstanceOf(ConstraintError);
    await step('D-AAAA-AAAA-AAAA', 'fetched', 'officer-a');
    await step('D-AAAA-AAAA-AAAA', 'fetched', 'officer-b');
    await expect(step('D-AAAA-AAAA-AAAA', 'withdrawn', 'cust-a')).rejects.toBeInstanceOf(ConstraintError);
    expect(await markers()).toBe(3);
    const got = await store.disclosures.get('D-AAAA-AAAA-AAAA');
    expect(got).toMatchObject({
      witness: 'W-BBBB-BBBB',
      ref: a.ok ? a.ref : '',
      inboxId: 'police',
      state: 'fetched',
      size: 2,
      requestedBy: 'cust-a',
    });
    expect(got?.events.map((e) => `${e.action}:${e.memberId}`)).toEqual(['approved:cust-b', 'fetched:officer-a', 'fetched:officer-b']);
    expect(await store.disclosures.sealedBytes('D-AAAA-AAAA-AAAA')).toEqual(new Uint8Array([7, 7]));
    // Nothing but the state changes, and only along the allowed steps.
    await expect(db.run("UPDATE disclosures SET inbox_id = 'city'")).rejects.toThrow(/state/);
    await expect(db.run("UPDATE disclosures SET state = 'pending'")).rejects.toThrow(/state/);
    await expect(db.run('UPDATE disclosure_events SET member_id = ?', ['x'])).rejects.toThrow(/append-only/);
    // Once the first one is closed, a new one may be asked; withdrawn, it can be neither approved nor fetched.
    await store.batch([create('D-AAAA-AAAA-AAAC')]);
    await step('D-AAAA-AAAA-AAAC', 'withdrawn', 'cust-a');
    await expect(step('D-AAAA-AAAA-AAAC', 'approved', 'cust-b')).rejects.toBeInstanceOf(ConstraintError);
    await expect(step('D-AAAA-AAAA-AAAC', 'fetched', 'officer-a')).rejects.toBeInstanceOf(ConstraintError);
    expect((await store.disclosures.listForInboxes(['police'])).map((d) => d.id)).toEqual(['D-AAAA-AAAA-AAAA']);
    expect((await store.disclosures.listForCustody(['custody'])).map((d) => d.id).sort()).toEqual(['D-AAAA-AAAA-AAAA', 'D-AAAA-AAAA-AAAC']);
    expect(await store.disclosures.listForCustody(['police'])).toEqual([]);
    // Retention deletes a report with its witness number, disclosures and their steps.
    await store.batch(store.reports.deleteStatements(a.ok ? a.ref : ''));
    for (const table of ['witnesses', 'disclosures', 'disclosure_events'])
      expect((await db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n).toBe(0);
  });

  it('remembers the last config version', async () => {
    expect(await store.configVersions.latest()).toBeNull();
    await store.batch([store.configVersions.recordStatement('h1', '{}', 1)]);
    await store.batch([store.configVersions.recordStatement('h2', '{"x":1}', 2)]);
    expect(await store.configVersions.latest()).toEqual({ hash: 'h2', membership: '{"x":1}' });
  });
});
