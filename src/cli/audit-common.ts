// What `relais audit verify` and `relais audit export` share (DESIGN promise 7, issue 6): the
// log's verifier key read from the auditor's own copy (never from the server), an auditor
// session (login by signing the server's challenge, as every staff member does), a SHA-256 on
// node:crypto for speed, and the exit code for a log that failed verification.

import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiClient } from '../client/api.ts';
import { login, logout, unlockPrivateKey, type StaffMember } from '../client/staff.ts';
import { createTreeHasher, parseVerifierKey, type NoteVerifier, type TreeHasher } from '../core/tlog/index.ts';
import { say, UsageError } from './args.ts';
import type { VerificationFailure } from '../client/audit-verifier.ts';
import { readPassphrase } from './prompt.ts';

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

export interface AuditorSession {
  api: ApiClient;
  member: StaffMember;
  close(): Promise<void>;
}

export async function auditorSession(server: string, keyFile: string, passphraseFile: string | undefined): Promise<AuditorSession> {
  const armored = readFileSync(keyFile, 'utf8');
  const passphrase = await readPassphrase({ file: passphraseFile, prompt: 'Passphrase of your key: ' });
  const key = await unlockPrivateKey(armored, passphrase);
  const api = new ApiClient({ server });
  const { member } = await login(api, key, new URL(server).origin);
  if (!member.roles.includes('auditor')) {
    await logout(api).catch(() => {});
    throw new UsageError(`${member.id} is not an auditor of this Relais`);
  }
  return { api, member, close: () => logout(api).catch(() => {}) };
}

/** Prints a verification failure the way an auditor must not miss, and returns the exit code. */
export function reportFailure(e: VerificationFailure): number {
  say(`LOG VERIFICATION FAILED (${e.kind}): ${e.message}`);
  say('Keep the state file and this output: the signed checkpoints in them are the evidence.');
  return EXIT_LOG_FAILED;
}
