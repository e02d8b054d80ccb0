// Once per run: builds web/dist before the tests that serve pages (the browser tests, the worker
// tests), and gives the run a temporary folder of its own (TMPDIR, which the test processes and
// every program they start inherit). At the end the run fails if anything was left there — a
// folder not removed, a gpg-agent still running for a GnuPG home in it — and removes it all
// (tsx's compile cache included).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWeb } from '../src/cli/build-web.ts';
import { stopGpgAgents } from './helpers/temp.ts';

/** gpg-agent daemons whose home is under `dir`. */
function agentsUnder(dir: string): string[] {
  let ps = '';
  try {
    ps = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return ps.split('\n').filter((line) => /\bgpg-agent\b/.test(line) && line.includes(dir));
}

export default async function setup(): Promise<() => void> {
  await buildWeb({ quiet: true });
  const run = mkdtempSync(join(tmpdir(), 'relais-run-'));
  process.env.TMPDIR = run;
  return () => {
    // tsx keeps its compile cache there (for the CLI processes the tests start): not a leftover.
    const left = readdirSync(run).filter((name) => !/^tsx-\d+$/.test(name));
    const agents = agentsUnder(run);
    for (const name of left) if (name.startsWith('relais-gpg-')) stopGpgAgents(join(run, name));
    rmSync(run, { recursive: true, force: true, maxRetries: 3 });
    if (left.length > 0 || agents.length > 0) {
      // vitest reports an error thrown here but still exits 0: the exit code says it too.
      process.exitCode = 1;
      throw new Error(
        `the tests left ${left.length} temporary folder(s) and ${agents.length} gpg-agent(s) behind: ${[...left, ...agents].slice(0, 20).join(', ')}`,
      );
    }
  };
}
