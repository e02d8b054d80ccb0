// The page's side of the crypto worker (web/src/resident-worker.ts): started on the first sign
// that the resident is writing, so the first page stays light (DESIGN: load the crypto only when
// the resident starts writing), then called with request/answer messages and progress events.
// Keys, passphrases and receipts derived from them stay inside the worker. The worker runs only
// once its bytes matched the hash this script carries (checked-load.ts, DESIGN promise 11);
// otherwise every call fails with an IntegrityError and nothing is sealed or sent.

import { CheckedWorker, IntegrityError } from './checked-load.ts';

type Progress = (stage: string, done: number, total: number) => void;

let worker: CheckedWorker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: Progress | undefined }>();

export class WorkerError extends Error {}

export function startWorker(): void {
  if (worker) return;
  worker = new CheckedWorker('resident-worker.js', { name: 'relais-crypto' });
  worker.onmessage = (
    e: MessageEvent<{ id: number; progress?: [string, number, number]; result?: unknown; error?: string; integrity?: true }>,
  ) => {
    const call = pending.get(e.data.id);
    if (!call) return;
    if (e.data.progress) return call.progress?.(...e.data.progress);
    pending.delete(e.data.id);
    if (e.data.error !== undefined) call.reject(e.data.integrity ? new IntegrityError(e.data.error) : new WorkerError(e.data.error));
    else call.resolve(e.data.result);
  };
  const started = worker;
  worker.onerror = () => {
    for (const call of pending.values()) call.reject(started.failure ?? new WorkerError('worker failed'));
    pending.clear();
  };
}

export function stopWorker(): void {
  worker?.terminate();
  worker = null;
  for (const call of pending.values()) call.reject(new WorkerError('stopped'));
  pending.clear();
}

export function callWorker<T>(op: string, args: unknown, progress?: Progress): Promise<T> {
  startWorker();
  if (worker?.failure) return Promise.reject(worker.failure);
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
    worker?.postMessage({ id, op, args });
  });
}
