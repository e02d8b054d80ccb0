// Temporary folders and GnuPG homes for tests, removed when the test file ends (test/setup-client.ts
// registers the afterAll hook): a GnuPG home's agent is stopped first (`gpgconf --kill all`; each
// home gets its own gpg-agent daemon, which would otherwise outlive the run). The global teardown
// (test/global-setup.ts) fails the run if anything is left in the run's temporary folder.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: { dir: string; gpgHome: boolean }[] = [];

/** A fresh folder under the run's temporary folder, removed at the end of the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push({ dir, gpgHome: false });
  return dir;
}

/** A fresh GnuPG home, whose agent is stopped and which is removed at the end of the test file. */
export function gpgHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relais-gpg-'));
  made.push({ dir, gpgHome: true });
  return dir;
}

/** Stops a GnuPG home's daemons (the agent, dirmngr…); harmless if none runs. */
export function stopGpgAgents(home: string): void {
  try {
    execFileSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // no gpgconf, or nothing to stop
  }
}

export function removeTempDirs(): void {
  for (const { dir, gpgHome } of made.splice(0)) {
    if (gpgHome && existsSync(dir)) stopGpgAgents(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
