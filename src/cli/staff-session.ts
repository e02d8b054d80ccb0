// The sign-in every staff command opens with (pull, reply, grant, witness, export, stats, audit):
// the member's private key read from --key, its passphrase from --passphrase-file or asked on the
// terminal, the key unlocked, a client for --server, and the signed login challenge
// (src/client/staff.ts), which also checks that the server is the one named. close() logs out and
// never throws: the session expires on its own if the server cannot be reached by then.

import { readFileSync } from 'node:fs';
import type * as openpgp from 'openpgp';
import { ApiClient } from '../client/api.ts';
import { login, logout, type StaffMember, unlockPrivateKey } from '../client/staff.ts';
import { UsageError } from './args.ts';
import { readPassphrase } from './prompt.ts';

export interface StaffSession {
  api: ApiClient;
  key: openpgp.PrivateKey;
  member: StaffMember;
  close(): Promise<void>;
}

export async function staffSession(server: string, keyFile: string, passphraseFile: string | undefined): Promise<StaffSession> {
  let armored: string;
  try {
    armored = readFileSync(keyFile, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the key file ${keyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const key = await unlockPrivateKey(armored, await readPassphrase({ file: passphraseFile, prompt: 'Passphrase of your key: ' }));
  const api = new ApiClient({ server });
  const { member } = await login(api, key, new URL(server).origin);
  return { api, key, member, close: () => logout(api).catch(() => {}) };
}
