// Runs Debian's GnuPG (2.2) in a throwaway home directory, as an independent OpenPGP
// implementation for interop tests. Passphrases go through a file, never the command line. The
// home's gpg-agent is stopped and the home removed when the test file ends.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpgHome } from './temp.ts';

export class Gpg {
  /** removed, its agent stopped, when the test file ends (test/helpers/temp.ts) */
  readonly home = gpgHome();

  run(args: string[], input?: Uint8Array | string): Buffer {
    return execFileSync('gpg', ['--homedir', this.home, '--batch', '--no-tty', '--quiet', '--pinentry-mode', 'loopback', ...args], {
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
  }

  passphraseFile(passphrase: string): string {
    const file = join(this.home, `pass-${Math.abs(hashCode(passphrase))}`);
    writeFileSync(file, passphrase);
    return file;
  }

  /** Makes a key the way an officer would with GnuPG 2.2: ed25519 primary, cv25519 subkey. */
  generateKey(uid: string, passphrase: string): { fingerprint: string; publicKey: string; privateKey: string } {
    const pf = this.passphraseFile(passphrase);
    this.run(['--passphrase-file', pf, '--quick-gen-key', uid, 'future-default', 'default', 'never']);
    const fingerprint = /fpr:+([0-9A-F]{40}):/.exec(this.run(['--with-colons', '--list-keys', uid]).toString())?.[1] ?? '';
    return {
      fingerprint,
      publicKey: this.run(['--armor', '--export', fingerprint]).toString(),
      privateKey: this.run(['--passphrase-file', pf, '--armor', '--export-secret-keys', fingerprint]).toString(),
    };
  }

  importKey(armored: string): void {
    this.run(['--import'], armored);
  }

  decrypt(sealed: Uint8Array, passphrase: string): Buffer {
    return this.run(['--passphrase-file', this.passphraseFile(passphrase), '--decrypt'], sealed);
  }
}

function hashCode(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + (ch.codePointAt(0) ?? 0)) | 0;
  return h;
}
