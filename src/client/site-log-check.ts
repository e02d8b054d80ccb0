// Ties the served code to the audit log (DESIGN promises 7 and 11, issue 12), for anyone holding
// the log's public key and the cosigners' (never taken from the server): the latest checkpoint of
// /.well-known/relais/deployments must be signed by that key for its origin and carry the quorum
// of fresh cosignatures of the checker's trust policy (the same checks as `relais audit verify`,
// src/client/audit-verifier.ts; so it is not a log shown to this checker alone, nor a frozen
// one), each `site.deployed` entry listed must be
// in that checkpoint's tree (RFC 9162 inclusion proof), and the newest of them must name the
// manifest hash the site serves. Code served without its entry, an entry the server cannot prove,
// or an entry not yet in a signed checkpoint is a Problem.

import { utf8 } from '../core/bytes.ts';
import { DEPLOYMENTS_PATH } from '../core/site-manifest.ts';
import { base64Decode, defaultTreeHasher, verifyInclusion } from '../core/tlog/index.ts';
import { checkCosignatures, openServerCheckpoint, requireWitnessed, type TrustPolicy, VerificationFailure } from './audit-verifier.ts';
import type { Problem } from './site-check.ts';

export interface Deployment {
  index: number;
  /** ISO 8601 time of the start that logged it */
  time: string | null;
  manifest: string;
  version: string | null;
  commit: string | null;
}

export interface LogCheck {
  /** tree size of the verified checkpoint, or null */
  treeSize: number | null;
  /** the newest deployment proved in the checkpoint */
  latest: Deployment | null;
  problems: Problem[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A site.deployed entry's fields, or null if the entry is not one. */
export function deploymentOf(index: number, entry: string): Deployment | null {
  let e: unknown;
  try {
    e = JSON.parse(entry);
  } catch {
    return null;
  }
  if (!isRecord(e) || e.action !== 'site.deployed' || !isRecord(e.details) || typeof e.details.manifest !== 'string') return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return { index, time: str(e.time), manifest: e.details.manifest, version: str(e.details.version), commit: str(e.details.commit) };
}

export async function checkDeployments(
  fetch: (url: string) => Promise<Response>,
  base: string,
  policy: TrustPolicy,
  manifestHash: string,
  nowMs: number,
): Promise<LogCheck> {
  const path = DEPLOYMENTS_PATH;
  const fail = (message: string, treeSize: number | null = null, latest: Deployment | null = null): LogCheck => ({
    treeSize,
    latest,
    problems: [{ path, kind: 'log', message }],
  });
  let body: unknown;
  try {
    const res = await fetch(new URL(path, base).toString());
    if (res.status !== 200) return fail(`answered HTTP ${res.status}`);
    body = await res.json();
  } catch (e) {
    return fail(`could not be fetched (${(e as Error).message})`);
  }
  if (!isRecord(body) || !Array.isArray(body.deployments)) return fail('is not a list of deployments');
  if (typeof body.checkpoint !== 'string') return fail('has no signed checkpoint: the log is not signed');
  let size: number;
  let root: Uint8Array;
  try {
    const { checkpoint, note } = openServerCheckpoint(body.checkpoint, policy.origin, policy.logVerifier);
    requireWitnessed(checkCosignatures(note, policy, nowMs), policy, checkpoint.size, nowMs);
    size = checkpoint.size;
    root = checkpoint.rootHash;
  } catch (e) {
    if (e instanceof VerificationFailure) return fail(`its checkpoint failed: ${e.message}`);
    throw e;
  }
  const problems: Problem[] = [];
  let latest: Deployment | null = null;
  let newestUnsigned = -1;
  for (const item of body.deployments) {
    if (!isRecord(item) || typeof item.index !== 'number' || typeof item.entry !== 'string')
      return fail('lists a malformed deployment', size);
    const deployment = deploymentOf(item.index, item.entry);
    if (!deployment) return fail(`entry ${item.index} is not a site.deployed entry`, size);
    if (item.proof === null) {
      newestUnsigned = Math.max(newestUnsigned, item.index);
      continue;
    }
    let proved = false;
    try {
      const proof = (item.proof as unknown[]).map((h) => (typeof h === 'string' ? base64Decode(h) : null));
      const leafHash = defaultTreeHasher.hashLeaf(utf8(item.entry));
      if (proof.every((h): h is Uint8Array => h !== null))
        proved = verifyInclusion({ leafIndex: item.index, treeSize: size, leafHash, proof, rootHash: root });
    } catch {
      proved = false;
    }
    if (!proved) problems.push({ path, kind: 'log', message: `entry ${item.index} is not in the signed tree of ${size} entries` });
    else if (!latest || deployment.index > latest.index) latest = deployment;
  }
  if (problems.length > 0) return { treeSize: size, latest, problems };
  if (newestUnsigned > (latest?.index ?? -1))
    problems.push({ path, kind: 'log', message: 'the newest deployment is not in a signed checkpoint yet: try again in a minute' });
  else if (!latest) problems.push({ path, kind: 'log', message: 'the log holds no site.deployed entry: this code was never logged' });
  else if (latest.manifest !== manifestHash)
    problems.push({
      path,
      kind: 'log',
      message: `the newest site.deployed entry (${latest.index}) names manifest ${latest.manifest}, the site serves ${manifestHash}: this code was deployed without its entry`,
    });
  return { treeSize: size, latest, problems };
}
