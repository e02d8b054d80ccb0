// What every route handler can reach: the resolved config, the store, the secrets, the clock and
// the audit log. Built once by createApp() from the runtime entry's dependencies.

import type { ResolvedConfig, ResolvedMember } from '../config/resolve.ts';
import type { Store } from '../store/store.ts';
import type { Audit } from './audit.ts';
import type { Notifier } from './notifications.ts';
import type { Counters } from '../core/counters.ts';
import type { BodyGate, Release } from './body-gate.ts';
import type { TransparencyLog } from './log.ts';
import type { PublicConfig } from './public-config.ts';
import type { RefusedProofs } from './proof.ts';
import type { RequestLog } from './request-log.ts';
import type { ServerSecrets } from './secrets.ts';
import type { Site } from './site.ts';

export interface Relais {
  config: ResolvedConfig;
  publicConfig: PublicConfig;
  store: Store;
  secrets: ServerSecrets;
  clock: () => number;
  /** a line for the operator now: never call it while answering a resident (see request-log.ts) */
  log: (line: string) => void;
  /** resident requests counted per bucket, staff requests logged, problems noted for the summary */
  requests: RequestLog;
  audit: Audit;
  /** the Merkle tree over the audit log and its signed checkpoints */
  tlog: TransparencyLog;
  /** delivers content-free notices (config `notifications`); absent: none are sent */
  notifier?: Notifier | undefined;
  /** the built files and the manifest of the code this server serves (promise 11) */
  site: Site;
  /** the no-JS cap and the failed logins, shared by the whole deployment */
  counters: Counters;
  /** the bound on request bodies held at once (src/server/body-gate.ts) */
  bodies: BodyGate;
  /** nonces of solved proofs of work whose upload is being read (src/server/proof.ts) */
  proofsInUse: Set<string>;
  /** nonces of proofs of work whose upload was refused, until they expire (src/server/proof.ts) */
  refusedProofs: RefusedProofs;
}

export interface StaffSession {
  member: ResolvedMember;
  tokenHash: string;
  expires: number;
}

/**
 * `staffRoute`: the request is a staff route (request-log.ts); `releaseBody`: frees the request's
 * slot of the body gate once it has been answered.
 */
export type Env = { Variables: { staff: StaffSession; staffRoute: boolean; releaseBody: Release } };

/** Start of the time bucket containing `nowMs`, in unix seconds (DESIGN promise 2). */
export function bucketStart(nowMs: number, bucketSeconds: number): number {
  const seconds = Math.floor(nowMs / 1000);
  return seconds - (seconds % bucketSeconds);
}

/** The first bucket boundary at or after `seconds`. */
export function bucketCeil(seconds: number, bucketSeconds: number): number {
  return Math.ceil(seconds / bucketSeconds) * bucketSeconds;
}
