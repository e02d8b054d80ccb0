// One audit run, as `relais audit verify` and the auditor page do it (DESIGN promise 7, issue 11).
// Runtime-neutral. On top of verifyLog (audit-verifier.ts, which checks the log's integrity):
//
// - the rules (audit-rules.ts) over every entry, in 'full' mode (judged once the checkpoint is
//   known to be witnessed and fresh);
// - freshness: the served checkpoint must carry the quorum of cosignatures, the newest of them
//   within the maximum age, and must include THIS run's own login — the `staff.login` entry whose
//   `details.session` is sessionLogId(this session's token) (src/core/audit-entry.ts), which only
//   this run knows. A server
//   that froze its log, or withholds new entries, cannot show it. Freshness failures are retried
//   (the checkpoint may be a moment behind) every 2 s until `waitSeconds` have passed; integrity
//   failures are final at once. Each retry verifies only what is new since the last attempt.

import type { TreeHasher } from '../core/tlog/index.ts';
import { RuleChecker, type RuleSummary } from './audit-rules.ts';
import {
  FRESHNESS_FAILURES,
  requireWitnessed,
  VerificationFailure,
  verifyLog,
  type LogSource,
  type Trusted,
  type TrustPolicy,
  type VerifyResult,
} from './audit-verifier.ts';

export interface AuditRunOptions {
  source: LogSource;
  policy: TrustPolicy;
  trusted: Trusted | null;
  mode: 'full' | 'new-only';
  /** sessionLogId(this run's session token): that login must be in the witnessed checkpoint */
  ownSession: string | null;
  waitSeconds: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  hasher?: TreeHasher;
  pageSize?: number;
  /** each entry once, in order, as verified (before the final verdict: keep results only on success) */
  onEntry?: (index: number, entry: string) => void;
  /** told when the run waits for a fresher checkpoint */
  onWait?: (reason: string) => void;
}

export interface AuditRunResult {
  result: VerifyResult;
  /** index of this run's own login entry, or null if no session was given */
  ownLogin: number | null;
  /** null in 'new-only' mode (the rules need every entry) */
  rules: RuleSummary | null;
}

const RETRY_MS = 2000;

export async function auditRun(options: AuditRunOptions): Promise<AuditRunResult> {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const rules = options.mode === 'full' ? new RuleChecker() : null;
  const session = options.ownSession;
  const deadline = now() + options.waitSeconds * 1000;
  let trusted = options.trusted;
  let ownLogin: number | null = null;
  for (let attempt = 0; ; attempt++) {
    const seenBefore = trusted?.checkpoint.size ?? 0;
    const result = await verifyLog({
      source: options.source,
      policy: options.policy,
      trusted,
      mode: attempt === 0 ? options.mode : 'new-only',
      sampleIndex: ownLogin,
      now,
      ...(options.hasher ? { hasher: options.hasher } : {}),
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      onEntry: (index, entry) => {
        if (attempt > 0 && index < seenBefore) return;
        rules?.feed(index, entry);
        options.onEntry?.(index, entry);
        if (session && entry.includes(`"session":"${session}"`) && entry.includes('"action":"staff.login"')) ownLogin = index;
      },
    });
    try {
      requireWitnessed(result.cosignatures, options.policy, result.trusted.checkpoint.size, now());
      if (session && ownLogin === null) {
        throw new VerificationFailure(
          'own-login',
          `your own login of this run is not in the signed${options.policy.quorum > 0 ? ', cosigned' : ''} checkpoint (${result.trusted.checkpoint.size} entries) after ${options.waitSeconds} s: the server has stopped signing or is withholding entries`,
        );
      }
      // The rules last: a log not witnessed is reported as such, not for what it says.
      const broken = rules?.verdict();
      if (broken) throw new VerificationFailure('rule', `the log shows a broken rule: ${broken}`);
      return { result, ownLogin, rules: rules?.summary() ?? null };
    } catch (e) {
      if (!(e instanceof VerificationFailure) || !FRESHNESS_FAILURES.includes(e.kind) || now() + RETRY_MS > deadline) throw e;
      options.onWait?.(e.message);
      trusted = result.trusted;
      await sleep(RETRY_MS);
    }
  }
}
