// The log's side of C2SP tlog-witness (DESIGN promise 7, issue 11): every new checkpoint goes to
// every cosigner named in log.cosigners with a consistency proof from the size that cosigner
// cosigned last, and the newest cosignature each returns is kept (log_cosignatures). A checkpoint
// already cosigned is sent again once its newest cosignature is a third of
// log.maxCheckpointAgeSeconds old, so auditors always find a fresh one even when nothing happens
// (a frozen server cannot produce one: the cosigners' clocks date them).
//
// Only staff requests and the maintenance run (timer on Node, cron on Workers) get here, never a
// resident's request (promise 2). A cosigner that is down, slow (5 s) or refuses is logged for the
// operator and retried at the next run; it never fails a staff request: auditors see the missing
// or stale cosignature instead. A 409 with text/x.tlog.size is answered once with a proof from the
// size the cosigner says it holds; a cosigner that holds a larger tree than ours (a database
// restored from a backup) cannot cosign ours, and the operator is told.

import {
  base64Decode,
  formatAddCheckpoint,
  formatKeyId,
  parseCosignerVerifier,
  parseTlogSize,
  proveConsistency,
  TLOG_SIZE_TYPE,
  verifyCosignature,
  type CosignerVerifier,
  type HashReader,
} from '../core/tlog/index.ts';
import type { CosignatureTable, StoredCheckpoint, StoredCosignature } from '../store/log-table.ts';

const TIMEOUT_MS = 5000;

export interface CosignerEndpoint {
  name: string;
  url: string;
  verifier: CosignerVerifier;
}

export interface CosigningOptions {
  cosigners: { name: string; url: string; key: string }[];
  table: CosignatureTable;
  hashes: HashReader;
  maxAgeSeconds: number;
  clock: () => number;
  log: (line: string) => void;
  fetch?: typeof fetch;
}

export const cosignerId = (v: CosignerVerifier) => `${v.name}+${formatKeyId(v.keyId)}`;

export class Cosigning {
  readonly endpoints: CosignerEndpoint[];
  readonly #o: CosigningOptions;

  constructor(options: CosigningOptions) {
    this.#o = options;
    this.endpoints = options.cosigners.map((c) => ({
      name: c.name,
      url: c.url.replace(/\/+$/, ''),
      verifier: parseCosignerVerifier(c.key),
    }));
  }

  /** Sends `checkpoint` to each cosigner whose newest cosignature is not on it or is getting old. */
  async cosign(checkpoint: StoredCheckpoint): Promise<void> {
    if (this.endpoints.length === 0) return;
    const stored = new Map((await this.#o.table.all()).map((s) => [s.cosigner, s]));
    const now = Math.floor(this.#o.clock() / 1000);
    const refresh = Math.floor(this.#o.maxAgeSeconds / 3);
    await Promise.all(
      this.endpoints.map(async (endpoint) => {
        const last = stored.get(cosignerId(endpoint.verifier));
        if (last && last.size === checkpoint.size && now - last.timestamp < refresh) return;
        try {
          await this.#request(endpoint, checkpoint, last?.size ?? 0, true);
        } catch (e) {
          this.#o.log(`cosigner ${endpoint.name} unreachable (${(e as Error).name}); retried at the next run`);
        }
      }),
    );
  }

  /** The checkpoint's note with the cosignatures kept for it. */
  async served(checkpoint: StoredCheckpoint): Promise<string> {
    const lines = (await this.#o.table.all()).filter((s) => s.size === checkpoint.size).map((s) => s.line);
    return checkpoint.note + lines.join('');
  }

  async #request(endpoint: CosignerEndpoint, checkpoint: StoredCheckpoint, oldSize: number, retry: boolean): Promise<void> {
    if (oldSize > checkpoint.size) {
      this.#o.log(
        `LOG ALERT: cosigner ${endpoint.name} has cosigned ${oldSize} entries, more than this log's ${checkpoint.size}: was the database restored from a backup?`,
      );
      return;
    }
    const proof = oldSize > 0 && oldSize < checkpoint.size ? await proveConsistency(oldSize, checkpoint.size, this.#o.hashes) : [];
    const res = await (this.#o.fetch ?? fetch)(`${endpoint.url}/add-checkpoint`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: formatAddCheckpoint({ oldSize, proof, note: checkpoint.note }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = await res.text();
    if (res.status === 409 && (res.headers.get('Content-Type') ?? '').startsWith(TLOG_SIZE_TYPE)) {
      const size = parseTlogSize(body);
      if (retry && size !== null && size !== oldSize) return this.#request(endpoint, checkpoint, size, false);
    }
    if (res.status !== 200) {
      this.#o.log(`cosigner ${endpoint.name} refused the checkpoint of ${checkpoint.size} entries (${res.status})`);
      return;
    }
    const cosignature = this.#pick(endpoint, checkpoint, body);
    if (!cosignature) {
      this.#o.log(`cosigner ${endpoint.name} answered without a valid cosignature`);
      return;
    }
    await this.#o.table.record(cosignature);
  }

  /** The newest valid cosignature by this cosigner among an answer's signature lines. */
  #pick(endpoint: CosignerEndpoint, checkpoint: StoredCheckpoint, answer: string): StoredCosignature | null {
    const body = checkpoint.note.slice(0, checkpoint.note.lastIndexOf('\n\n') + 1);
    let best: StoredCosignature | null = null;
    for (const sig of parseLines(answer)) {
      const timestamp = verifyCosignature(endpoint.verifier, body, sig);
      if (timestamp === null) continue;
      if (!best || timestamp > best.timestamp) {
        best = { cosigner: cosignerId(endpoint.verifier), size: checkpoint.size, timestamp, line: `\u2014 ${sig.name} ${sig.base64}\n` };
      }
    }
    return best;
  }
}

function parseLines(answer: string): { name: string; keyId: number; base64: string }[] {
  const out: { name: string; keyId: number; base64: string }[] = [];
  for (const line of answer.split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const bytes = base64Decode(m[2] as string);
    if (!bytes || bytes.length < 4) continue;
    out.push({ name: m[1] as string, keyId: new DataView(bytes.buffer).getUint32(0, false), base64: m[2] as string });
  }
  return out;
}
