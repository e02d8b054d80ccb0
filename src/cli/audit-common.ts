// What `relais audit verify` and `relais audit export` share (DESIGN promise 7, issue 6): the
// log's verifier key read from the auditor's own copy (never from the server), an auditor
// session (login by signing the server's challenge, as every staff member does), a SHA-256 on
// node:crypto for speed, and the exit code for a log that failed verification.

import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApiClient } from '../client/api.ts';
import type { StaffMember } from '../client/staff.ts';
import {
  createTreeHasher,
  parseCosignerVerifier,
  parseVerifierKey,
  type CosignerVerifier,
  type NoteVerifier,
  type TreeHasher,
} from '../core/tlog/index.ts';
import type { SavedPolicy } from '../client/audit-state.ts';
import type { TrustPolicy } from '../client/audit-verifier.ts';
import { say, UsageError } from './args.ts';
import { staffSession } from './staff-session.ts';

/** Exit code when the log failed verification (usage errors exit 2, other errors 1). */
export const EXIT_LOG_FAILED = 3;

/** The one-shot node:crypto SHA-256 (Node ≥ 20.12), the fastest here (bench/tlog.bench.ts). */
export function nodeTreeHasher(): TreeHasher {
  return createTreeHasher((m) => hash('sha256', m, 'buffer'));
}

export function readLogVerifier(file: string): NoteVerifier {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    throw new UsageError(`cannot read the log key file ${file}`);
  }
  try {
    return parseVerifierKey(text);
  } catch {
    throw new UsageError(`${file} is not a log verifier key (name+keyid+key, as written by relais log-key)`);
  }
}

/** The options every audit command takes for the auditor's trust policy. */
export const POLICY_OPTIONS = {
  cosigner: { type: 'string', multiple: true },
  quorum: { type: 'string' },
  'max-age': { type: 'string' },
} as const;

export const POLICY_USAGE = `--cosigner FILE (repeatable) is YOUR copy of a cosigner's verifier key (from the cosigner
itself, not from the server); --quorum N how many of them must cosign (default 1 with
cosigners); --max-age SECONDS how old the newest cosignature may be (default 900). Once given,
they are kept in the state file and used by every later run; give them again to change them.`;

/** The trust policy of this run: flags first, then the state file's, then the defaults. */
export function resolvePolicy(
  values: { cosigner?: string[] | undefined; quorum?: string | undefined; 'max-age'?: string | undefined },
  saved: SavedPolicy | null,
  origin: string,
  logVerifier: NoteVerifier,
): { policy: TrustPolicy; saved: SavedPolicy; notes: string[] } {
  const keys = values.cosigner?.length
    ? values.cosigner.map((file) => {
        try {
          return readFileSync(file, 'utf8').trim();
        } catch {
          throw new UsageError(`cannot read the cosigner key file ${file}`);
        }
      })
    : (saved?.cosigners ?? []);
  const cosigners: CosignerVerifier[] = keys.map((k) => {
    try {
      return parseCosignerVerifier(k);
    } catch {
      throw new UsageError('a --cosigner file is not a cosigner verifier key (as written by relais cosigner keygen)');
    }
  });
  const int = (text: string | undefined, name: string, min: number): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^[0-9]{1,6}$/.test(text) || Number(text) < min) throw new UsageError(`--${name} must be a whole number of at least ${min}`);
    return Number(text);
  };
  const quorum = int(values.quorum, 'quorum', 0) ?? saved?.quorum ?? (cosigners.length > 0 ? 1 : 0);
  const maxAgeSeconds = int(values['max-age'], 'max-age', 1) ?? saved?.maxAgeSeconds ?? 900;
  if (quorum > cosigners.length) throw new UsageError(`--quorum ${quorum} is more than the ${cosigners.length} cosigner key(s) you hold`);
  const next: SavedPolicy = { cosigners: cosigners.map((c) => c.verifierKey), quorum, maxAgeSeconds };
  const notes: string[] = [];
  if (saved && JSON.stringify(saved) !== JSON.stringify(next)) {
    notes.push(
      `trust policy changed from your state file's (${saved.cosigners.length} cosigners, quorum ${saved.quorum}, max age ${saved.maxAgeSeconds} s)`,
    );
  }
  if (cosigners.length === 0) {
    notes.push('WARNING: no cosigner keys: a split view (a log shown to you alone) is not detected; give --cosigner and --quorum');
  }
  return { policy: { origin, logVerifier, cosigners, quorum, maxAgeSeconds }, saved: next, notes };
}

export interface AuditorSession {
  api: ApiClient;
  member: StaffMember;
  close(): Promise<void>;
}

export async function auditorSession(server: string, keyFile: string, passphraseFile: string | undefined): Promise<AuditorSession> {
  const { api, member, close } = await staffSession(server, keyFile, passphraseFile);
  if (!member.roles.includes('auditor')) {
    await close();
    throw new UsageError(`${member.id} is not an auditor of this Relais`);
  }
  return { api, member, close };
}

/** Prints a verification failure the way an auditor must not miss, and returns the exit code. */
export function reportFailure(e: { kind: string; message: string }): number {
  say(`LOG VERIFICATION FAILED (${e.kind}): ${e.message}`);
  say('Keep the state file and this output: the signed checkpoints in them are the evidence.');
  return EXIT_LOG_FAILED;
}
