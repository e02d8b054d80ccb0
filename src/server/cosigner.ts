// The witness that `relais cosigner serve` runs (DESIGN "Who uses it": cosigner; promise 7):
// C2SP tlog-witness add-checkpoint, answering with C2SP tlog-cosignature/v1 cosignatures. An
// independent body runs it with the log's verifier key it was given out of band; it keeps the
// latest checkpoint it cosigned per log (src/store/cosigner-table.ts) and cosigns a new one only
// if a consistency proof shows it extends that one, so the log can neither roll back nor show two
// histories to two parties that both trust this cosigner. Status codes are the spec's:
// 404 unknown log, 403 no valid signature by the log's key, 400 malformed or old > size,
// 409 old size not the latest (body "<size>\n", text/x.tlog.size) or same size and another root,
// 422 the consistency proof does not verify. Bodies never echo the request (promise 10).
//
// Runtime-neutral: the CLI (src/cli/cosigner.ts) wraps addCheckpoint in a Node HTTP server.

import {
  bytesEqual,
  cosign,
  NoteError,
  openCheckpoint,
  parseAddCheckpoint,
  TLOG_SIZE_TYPE,
  verifyConsistency,
  type CosignerSigner,
  type NoteVerifier,
} from '../core/tlog/index.ts';
import type { CosignerTable } from '../store/cosigner-table.ts';

/** Largest request body: a note with many signatures and 63 proof lines. */
export const MAX_ADD_CHECKPOINT_BYTES = 64 * 1024;

export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 413 | 422;
  type: string;
  body: string;
}

export interface CosignerOptions {
  signer: CosignerSigner;
  /** the logs this cosigner watches, by origin (their verifier key's name) */
  logs: Map<string, NoteVerifier>;
  table: CosignerTable;
  clock: () => number;
  /** one line per refused request (for the operator of the cosigner) */
  log?: (line: string) => void;
}

const text = (status: WitnessAnswer['status'], body: string): WitnessAnswer => ({ status, type: 'text/plain; charset=utf-8', body });

/** The origin line of a note, without verifying anything. */
function originOf(note: string): string {
  return note.slice(0, Math.max(0, note.indexOf('\n')));
}

export function cosigner(options: CosignerOptions) {
  const { signer, logs, table, clock } = options;
  const log = options.log ?? (() => {});
  let queue: Promise<unknown> = Promise.resolve();

  async function handle(body: string): Promise<WitnessAnswer> {
    const request = parseAddCheckpoint(body);
    if (!request) return text(400, 'malformed add-checkpoint request\n');
    const origin = originOf(request.note);
    const verifier = logs.get(origin);
    if (!verifier) return text(404, 'unknown log\n');
    let checkpoint: ReturnType<typeof openCheckpoint>['checkpoint'];
    try {
      checkpoint = openCheckpoint(request.note, { origin, logVerifier: verifier }).checkpoint;
    } catch (e) {
      if (e instanceof NoteError && e.code !== 'malformed-note' && e.code !== 'malformed-checkpoint') {
        log(`refused a checkpoint of ${origin}: no valid signature by its key`);
        return text(403, 'no valid signature by the log key\n');
      }
      return text(400, 'malformed checkpoint\n');
    }
    if (request.oldSize > checkpoint.size) return text(400, 'old size is larger than the checkpoint\n');
    if (request.oldSize === 0 && request.proof.length > 0) return text(400, 'a proof from size 0 must be empty\n');
    const latest = await table.latest(origin);
    const latestSize = latest?.size ?? 0;
    if (request.oldSize !== latestSize) return { status: 409, type: TLOG_SIZE_TYPE, body: `${latestSize}\n` };
    if (latest && latest.size === checkpoint.size) {
      if (!bytesEqual(latest.root, checkpoint.rootHash)) {
        log(`LOG MISBEHAVIOUR: ${origin} signed two different trees of ${checkpoint.size} entries`);
        return text(409, 'another root for the same size\n');
      }
    } else if (latest && latest.size > 0) {
      const ok = verifyConsistency({
        oldSize: latest.size,
        newSize: checkpoint.size,
        oldRoot: latest.root,
        newRoot: checkpoint.rootHash,
        proof: request.proof,
      });
      if (!ok) {
        log(`LOG MISBEHAVIOUR or bad proof: ${origin} checkpoint of ${checkpoint.size} entries does not extend ${latest.size}`);
        return text(422, 'the consistency proof does not verify\n');
      }
    }
    const now = Math.floor(clock() / 1000);
    const moved = !(await table.advance({ origin, size: checkpoint.size, root: checkpoint.rootHash, note: request.note }, latestSize, now));
    if (moved) return { status: 409, type: TLOG_SIZE_TYPE, body: `${(await table.latest(origin))?.size ?? 0}\n` };
    const noteBody = request.note.slice(0, request.note.lastIndexOf('\n\n') + 1);
    return text(200, cosign(signer, noteBody, now));
  }

  return {
    /** Handles one add-checkpoint body; requests are handled one at a time. */
    addCheckpoint(body: string): Promise<WitnessAnswer> {
      const run = queue.then(() => handle(body));
      queue = run.catch(() => {});
      return run;
    },
  };
}
