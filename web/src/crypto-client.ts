// The page's side of the crypto worker (web/src/resident-worker.ts): started on the first sign
// that the resident is writing, so the first page stays light (DESIGN: load the crypto only when
// the resident starts writing), then called with request/answer messages and progress events.
// Keys, passphrases and receipts derived from them stay inside the worker.

type Progress = (stage: string, done: number, total: number) => void;

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: Progress | undefined }>();

export class WorkerError extends Error {}

export function startWorker(): void {
  if (worker) return;
  worker = new Worker('/assets/resident-worker.js', { type: 'module', name: 'relais-crypto' });
  worker.onmessage = (e: MessageEvent<{ id: number; progress?: [string, number, number]; result?: unknown; error?: string }>) => {
    const call = pending.get(e.data.id);
    if (!call) return;
    if (e.data.progress) return call.progress?.(...e.data.progress);
    pending.delete(e.data.id);
    if (e.data.error !== undefined) call.reject(new WorkerError(e.data.error));
    else call.resolve(e.data.result);
  };
  worker.onerror = () => {
    for (const call of pending.values()) call.reject(new WorkerError('worker failed'));
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
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
    worker?.postMessage({ id, op, args });
  });
}
