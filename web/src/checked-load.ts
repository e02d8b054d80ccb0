// Starts workers and imports lazily loaded modules only after checking their bytes (DESIGN
// promise 11, issue 12). The page's own scripts are pinned by Subresource Integrity in the page;
// browsers offer no integrity for a worker or for what a worker imports, so the script that
// loads one carries its SHA-256, compiled in by `relais build-web` (RELAIS_ASSETS), fetches it,
// hashes it, and runs it from a blob: URL made of exactly the bytes it checked. A file that
// differs, by one byte, is never run. The CSP allows workers from blob: only (worker-src blob:),
// so no code of Relais can start a worker from a URL without this check.

import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64 } from '../../src/core/bytes.ts';

/** name under /assets/ → "sha256-<base64>", replaced at build time by esbuild's define. */
declare const RELAIS_ASSETS: Record<string, string>;

/** A file did not match the hash this script carries, or could not be fetched to be checked. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

async function checkedBlob(name: string): Promise<Blob> {
  const expected = RELAIS_ASSETS[name];
  if (!expected) throw new IntegrityError(`no hash for ${name}`);
  // A worker started from a blob: URL cannot resolve relative URLs: the origin is explicit.
  const response = await fetch(`${self.location.origin}/assets/${name}`, { cache: 'no-store', credentials: 'omit', redirect: 'error' });
  if (!response.ok) throw new IntegrityError(`${name}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (`sha256-${toBase64(sha256(bytes))}` !== expected) throw new IntegrityError(`${name} does not match the hash the page carries`);
  return new Blob([bytes], { type: 'text/javascript' });
}

/** A module worker running exactly the checked bytes of /assets/<name>. */
export async function startCheckedWorker(name: string, options: { name: string }): Promise<Worker> {
  const url = URL.createObjectURL(await checkedBlob(name));
  try {
    return new Worker(url, { type: 'module', name: options.name });
  } finally {
    // The worker's script is fetched from the URL captured when it was constructed.
    URL.revokeObjectURL(url);
  }
}

/**
 * A module worker that runs /assets/<name> once checked, usable at once: messages posted before
 * the check is done wait for it; if the check fails, `failure` says why, `onerror` is called and
 * nothing runs. It stands in for `new Worker(url)` with the same four members.
 */
export class CheckedWorker {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  /** set when the worker could not be fetched or did not match its hash */
  failure: Error | null = null;
  private worker: Worker | null = null;
  private queue: [unknown, Transferable[]][] = [];
  private stopped = false;

  constructor(name: string, options: { name: string }) {
    startCheckedWorker(name, options).then(
      (worker) => {
        if (this.stopped) return worker.terminate();
        this.worker = worker;
        worker.onmessage = (event) => this.onmessage?.(event);
        worker.onerror = (event) => this.onerror?.(event);
        for (const [message, transfer] of this.queue) worker.postMessage(message, transfer);
        this.queue = [];
      },
      (e: unknown) => {
        this.failure = e instanceof IntegrityError ? e : new IntegrityError(`${name} could not be checked`);
        this.queue = [];
        if (!this.stopped) this.onerror?.(new Event('error'));
      },
    );
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (this.worker) this.worker.postMessage(message, transfer);
    else if (!this.failure && !this.stopped) this.queue.push([message, transfer]);
  }

  terminate(): void {
    this.stopped = true;
    this.queue = [];
    this.worker?.terminate();
  }
}

/** The module /assets/<name>, imported from exactly its checked bytes. */
export async function importChecked<T>(name: string): Promise<T> {
  const url = URL.createObjectURL(await checkedBlob(name));
  try {
    return (await import(url)) as T;
  } finally {
    URL.revokeObjectURL(url);
  }
}
