// The transparency-log API (src/routes/auditor.ts, /api/v1/log) as a LogSource for the auditor's
// verifier (audit-verifier.ts; DESIGN promise 7). Runtime-neutral, on the fetch-based ApiClient.
// Everything the server answers is untrusted: an answer of the wrong shape is a
// VerificationFailure('malformed'), never a value passed on. Every call is an idempotent GET, so
// one that fails on the network (a kept-alive connection the server closed) is tried once more.

import { ApiClientError, type ApiClient } from './api.ts';
import { base64Decode, HASH_SIZE, type Hash } from '../core/tlog/index.ts';
import { VerificationFailure, type LogSource } from './audit-verifier.ts';

function malformed(what: string): VerificationFailure {
  return new VerificationFailure('malformed', `the server's ${what} answer is malformed`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeProof(body: unknown, what: string): Hash[] {
  if (!isRecord(body) || !Array.isArray(body.proof)) throw malformed(what);
  return body.proof.map((element) => {
    const hash = typeof element === 'string' ? base64Decode(element) : null;
    if (!hash || hash.length !== HASH_SIZE) throw malformed(what);
    return hash;
  });
}

/** fetch() rejects with a TypeError on network failures; HTTP errors are ApiClientError. */
async function retryOnce<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return call();
  }
}

export class LogApi implements LogSource {
  constructor(readonly api: ApiClient) {}

  async checkpoint(): Promise<string> {
    try {
      return await retryOnce(async () => (await this.api.request('GET', '/api/v1/log/checkpoint')).text());
    } catch (e) {
      // The server says it cannot sign (no key, an integrity alert): that is a finding, not an error.
      if (e instanceof ApiClientError && e.status === 503) {
        throw new VerificationFailure('unavailable', `the server says its log cannot be signed (${e.code}): ${e.message}`);
      }
      throw e;
    }
  }

  async storedHashes(start: number, end: number): Promise<Uint8Array> {
    try {
      const bytes = await retryOnce(() => this.api.bytes(`/api/v1/log/hashes?start=${start}&end=${end}`));
      if (bytes.length % 32 !== 0 || bytes.length > (end - start) * 32) throw malformed('stored hashes');
      return bytes;
    } catch (e) {
      if (e instanceof ApiClientError && e.code === 'beyond_tree_size') return new Uint8Array(0);
      throw e;
    }
  }

  async entries(start: number, end: number): Promise<string[]> {
    let body: unknown;
    try {
      body = await retryOnce(() => this.api.json<unknown>('GET', `/api/v1/log/entries?start=${start}&end=${end}`));
    } catch (e) {
      // A server whose tree is smaller than its own checkpoint has lost entries.
      if (e instanceof ApiClientError && e.code === 'beyond_tree_size') return [];
      throw e;
    }
    if (!isRecord(body) || body.start !== start || !Array.isArray(body.entries)) throw malformed('entries');
    if (!body.entries.every((e): e is string => typeof e === 'string')) throw malformed('entries');
    return body.entries;
  }

  async consistencyProof(from: number, to: number): Promise<Hash[]> {
    try {
      return decodeProof(
        await retryOnce(() => this.api.json<unknown>('GET', `/api/v1/log/proof/consistency?from=${from}&to=${to}`)),
        'consistency proof',
      );
    } catch (e) {
      // A server that cannot prove a size its own checkpoint covers offers no proof: none verifies.
      if (e instanceof ApiClientError && e.code === 'beyond_tree_size') return [];
      throw e;
    }
  }

  async inclusionProof(index: number, size: number): Promise<Hash[]> {
    return decodeProof(
      await retryOnce(() => this.api.json<unknown>('GET', `/api/v1/log/proof/inclusion?index=${index}&size=${size}`)),
      'inclusion proof',
    );
  }
}
