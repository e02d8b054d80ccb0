// The transparency-log API under /api/v1/log (DESIGN promise 7, issue 6; the way Certificate
// Transparency's RFC 9162 §4 and the Go checksum database serve their logs):
//
//   GET /checkpoint                         anyone    the latest C2SP tlog-checkpoint (signed note)
//   GET /entries?start=A&end=B              auditors  entries A ≤ i < B (≤ 10,000), as stored
//   GET /proof/inclusion?index=I&size=N     auditors  RFC 9162 §2.1.3.1 PATH(I, D[N])
//   GET /proof/consistency?from=M&to=N      auditors  RFC 9162 §2.1.4.1 PROOF(M, D[N])
//   GET /hashes?start=A&end=B               auditors  stored hashes A ≤ i < B (≤ 65,536), 32 bytes each,
//                                                     numbered as Go's sumdb/tlog (what every proof is made of)
//
// The checkpoint carries the cosignatures the server got (C2SP tlog-cosignature lines after the
// log's own signature). When the log cannot sign (no key, an integrity alert, a failed
// integration) the checkpoint answers 503 with the outage's code, as every staff data route does.
//
// Proofs come from the stored subtree hashes in O(log n) reads. Sizes are bounded by the
// integrated tree. Bad input gets a 400 with a stable code and never an echo (promise 10).
// Leaves are the UTF-8 bytes of the entry strings; proofs are arrays of base64 hashes.
//
// Auditors' reads are not written to the audit log: the auditor's login already is, each
// verification would otherwise append to the very log it verifies (a run that finds nothing new
// would always leave something new), and the log holds no report content or resident data.

import { Hono, type Context } from 'hono';
import { base64Encode, proveConsistency, proveInclusion, storedHashCount } from '../core/tlog/index.ts';
import { requireStaff } from '../server/auth.ts';
import type { Env, Relais } from '../server/context.ts';
import { ApiError } from '../server/http.ts';

/** Most entries one request returns. */
export const MAX_ENTRIES_PER_REQUEST = 10_000;
/** Most stored hashes one request returns (2 MiB). */
export const MAX_HASHES_PER_REQUEST = 65_536;
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/** Exactly these query parameters, each once, each a safe non-negative decimal integer. */
function integers<K extends string>(c: Context<Env>, names: readonly K[]): Record<K, number> {
  const queries = c.req.queries();
  const out = {} as Record<K, number>;
  for (const [name, values] of Object.entries(queries)) {
    if (!(names as readonly string[]).includes(name) || values.length !== 1) throw badQuery();
  }
  for (const name of names) {
    const values = queries[name];
    const text = values?.[0];
    if (values?.length !== 1 || text === undefined || !DECIMAL.test(text) || !Number.isSafeInteger(Number(text))) throw badQuery();
    out[name] = Number(text);
  }
  return out;
}

function badQuery(): ApiError {
  return new ApiError(400, 'bad_query', 'The query parameters are not valid.');
}

function badRange(message: string): ApiError {
  return new ApiError(400, 'bad_range', message);
}

export function auditorRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  // Auditors keep reading the log during an outage: it is what they investigate it with.
  const auditor = requireStaff(relais, ['auditor'], { data: false });
  const table = relais.tlog.table;

  async function treeSize(): Promise<number> {
    return (await table.head())?.size ?? 0;
  }

  async function withinTree(size: number): Promise<void> {
    const current = await treeSize();
    if (size > current) throw new ApiError(400, 'beyond_tree_size', 'The log does not have that many entries.', { treeSize: current });
  }

  app.get('/checkpoint', async (c) => {
    integers(c, []);
    const outage = relais.tlog.outage();
    if (outage) throw new ApiError(503, outage.code, outage.message);
    const note = await relais.tlog.servedCheckpoint();
    if (!note) throw new ApiError(404, 'no_checkpoint', 'This log has no signed checkpoint yet.');
    return c.body(note, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.get('/entries', auditor, async (c) => {
    const { start, end } = integers(c, ['start', 'end']);
    if (start >= end) throw badRange('start must be below end.');
    if (end - start > MAX_ENTRIES_PER_REQUEST) {
      throw new ApiError(400, 'range_too_large', `Ask for at most ${MAX_ENTRIES_PER_REQUEST} entries at a time.`, {
        max: MAX_ENTRIES_PER_REQUEST,
      });
    }
    await withinTree(end);
    const rows = await relais.store.audit.range(start, end);
    // Entries are served in order and without gaps: the answer stops at the first missing one.
    const entries: string[] = [];
    for (const row of rows) {
      if (row.idx !== start + entries.length) break;
      entries.push(row.entry);
    }
    return c.json({ start, entries });
  });

  app.get('/hashes', auditor, async (c) => {
    const { start, end } = integers(c, ['start', 'end']);
    if (start >= end) throw badRange('start must be below end.');
    if (end - start > MAX_HASHES_PER_REQUEST) {
      throw new ApiError(400, 'range_too_large', `Ask for at most ${MAX_HASHES_PER_REQUEST} hashes at a time.`, {
        max: MAX_HASHES_PER_REQUEST,
      });
    }
    const stored = storedHashCount(await treeSize());
    if (end > stored) throw new ApiError(400, 'beyond_tree_size', 'The log does not store that many hashes.', { storedHashes: stored });
    const bytes = await table.hashRange(start, end);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream' });
  });

  app.get('/proof/inclusion', auditor, async (c) => {
    const { index, size } = integers(c, ['index', 'size']);
    if (index >= size) throw badRange('index must be below size.');
    await withinTree(size);
    const proof = await proveInclusion(index, size, table);
    return c.json({ index, size, proof: proof.map(base64Encode) });
  });

  app.get('/proof/consistency', auditor, async (c) => {
    const { from, to } = integers(c, ['from', 'to']);
    if (from === 0 || from > to) throw badRange('from must be at least 1 and at most to.');
    await withinTree(to);
    const proof = await proveConsistency(from, to, table);
    return c.json({ from, to, proof: proof.map(base64Encode) });
  });

  return app;
}
