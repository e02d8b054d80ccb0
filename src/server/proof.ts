// The proof of work of an upload, checked before its body is read (DESIGN promise 10): the client
// sends it in the `Relais-Pow` header as `<challenge>:<counter>` (the very string whose SHA-256
// must start with the challenge's zero bits, src/core/pow.ts). The server verifies it, refuses one
// already spent, and holds its nonce while the upload is read, so one solved challenge carries at
// most one body at a time. Only then is a slot of the body gate taken and the body read.
//
// A proof is spent in the store only with the report it carried (or a taken lookup key), since a
// refusal writes nothing. An upload refused for its content still uses its proof up, in memory
// (RefusedProofs): junk costs a proof of work each, not one proof for a series of junk uploads.
// The memory holds each nonce until its challenge expires, at most REFUSED_PROOFS_MAX of them; on
// Workers each isolate has its own.

import { verifySolution, type PowPurpose } from '../core/pow.ts';
import { bucketCeil, type Relais } from './context.ts';
import { ApiError } from './http.ts';

export const POW_HEADER = 'Relais-Pow';

export interface HeldProof {
  challenge: string;
  counter: number;
  /** the challenge's nonce and bucketed expiry, as the store records a spent challenge */
  spent: { nonce: string; expires: number };
  /** lets another request use the nonce again (the upload ended without using the proof up) */
  release(): void;
  /** uses the proof up without writing anything: its upload was refused for what it carried */
  refuse(): void;
}

/** At most this many refused nonces are kept (about 100 bytes each); the oldest go first. */
export const REFUSED_PROOFS_MAX = 100_000;

/** Nonces of proofs whose upload was refused, until their challenge expires (memory only). */
export class RefusedProofs {
  readonly #expires = new Map<string, number>();
  constructor(private readonly max = REFUSED_PROOFS_MAX) {}

  has(nonce: string, now: number): boolean {
    const expires = this.#expires.get(nonce);
    return expires !== undefined && expires > now;
  }

  add(nonce: string, expires: number, now: number): void {
    // Insertion order is expiry order up to the challenge TTL, so the oldest entries go first.
    for (const [n, e] of this.#expires) {
      if (e > now && this.#expires.size < this.max) break;
      this.#expires.delete(n);
    }
    this.#expires.set(nonce, expires);
  }

  get size(): number {
    return this.#expires.size;
  }
}

/** The `Relais-Pow` header's challenge and counter; 422 pow_missing / pow_malformed. */
export function proofFromHeader(req: Request): { challenge: string; counter: number } {
  const value = req.headers.get(POW_HEADER);
  if (value === null) throw new ApiError(422, 'pow_missing', `Send the solved proof of work in the ${POW_HEADER} header.`);
  const m = /^(\S{1,200}):([0-9]{1,16})$/.exec(value.trim());
  if (!m) throw new ApiError(422, 'pow_malformed', 'The proof of work is not valid; ask for a new challenge.');
  return { challenge: m[1] as string, counter: Number(m[2]) };
}

/** Verifies the header's proof of work, refuses a spent or busy one (409), and holds its nonce. */
export async function holdProof(relais: Relais, req: Request, purpose: PowPurpose, bits: number, now: number): Promise<HeldProof> {
  const { challenge, counter } = proofFromHeader(req);
  const failure = verifySolution(relais.secrets.pow, challenge, counter, purpose, bits, now);
  if (failure) throw new ApiError(422, failure, 'The proof of work is not valid; ask for a new challenge.');
  const [, , expires, , nonce] = challenge.split('.') as [string, string, string, string, string];
  const replayed = () => new ApiError(409, 'pow_replayed', 'This proof of work was already used; ask for a new challenge.');
  if (relais.proofsInUse.has(nonce) || relais.refusedProofs.has(nonce, now)) throw replayed();
  relais.proofsInUse.add(nonce);
  const release = () => relais.proofsInUse.delete(nonce);
  try {
    if (await relais.store.reports.isChallengeSpent(nonce)) throw replayed();
  } catch (e) {
    release();
    throw e;
  }
  return {
    challenge,
    counter,
    spent: { nonce, expires: bucketCeil(Number(expires), relais.config.config.timeBucketSeconds) },
    release,
    refuse: () => relais.refusedProofs.add(nonce, Number(expires) * 1000, now),
  };
}
