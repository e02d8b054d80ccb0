// Benchmark of start-up (issue 14 item 1, issue 16 item 4): how long a `relais` process takes
// before it is useful, against the floor of starting Node itself (`node -e ''`), measured in the
// same run, interleaved, on this machine:
//   - `relais --help` (every command pays this: only the dispatcher is loaded);
//   - `relais serve` until it prints that it listens (a demo setup on a fresh SQLite file: config
//     and keys checked, web assets checked, pages rendered for the manifest, site.deployed logged,
//     checkpoint signed);
// both for the compiled build (dist/, what production runs) and for the sources through tsx (a
// development checkout). It runs `relais build` first, so dist/ is the current code. Medians of
// ROUNDS runs; nothing here passes or fails on time (the goal for --help is under 0.3 s).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemo } from '../src/cli/demo.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'relais.js');
const ROUNDS = 7;
const TIMEOUT_MS = 30_000;

/** Milliseconds from spawn until the process exits, or until `until` appears on stderr (then it is stopped). */
function timed(args: string[], until?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\n${err}`));
    }, TIMEOUT_MS);
    child.stderr.on('data', (d: Buffer) => {
      err += d;
      if (until && err.includes(until)) {
        const ms = performance.now() - t0;
        clearTimeout(timer);
        child.once('exit', () => resolve(ms));
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => {
      if (until) return;
      clearTimeout(timer);
      if (code !== 0 && code !== null && !args.includes('--help')) reject(new Error(`exit ${code}: ${args.join(' ')}\n${err}`));
      else resolve(performance.now() - t0);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export default async function bench(): Promise<void> {
  const built = spawnSync(process.execPath, [BIN, 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`relais build failed: ${built.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), 'relais-bench-start-'));
  try {
    await createDemo(dir, 8787);
    const serveArgs = (db: string) => [
      BIN,
      'serve',
      '--config',
      join(dir, 'relais.config.json'),
      '--db',
      join(dir, db),
      '--secret-file',
      join(dir, 'secrets', 'server.secret'),
      '--log-key-file',
      join(dir, 'secrets', 'log.key'),
      '--port',
      '0',
    ];
    const dist = join(ROOT, 'dist');
    const hidden = join(ROOT, 'dist.bench-hidden');
    const runs: Record<string, number[]> = { floor: [], 'help dist': [], 'help tsx': [], 'serve dist': [], 'serve tsx': [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.floor!.push(await timed(['-e', '']));
      runs['help dist']!.push(await timed([BIN, '--help']));
      runs['serve dist']!.push(await timed(serveArgs(`dist-${round}.db`), 'Relais is listening'));
      // The same sources without dist/: bin/relais.js falls back to tsx.
      renameSync(dist, hidden);
      try {
        runs['help tsx']!.push(await timed([BIN, '--help']));
        runs['serve tsx']!.push(await timed(serveArgs(`tsx-${round}.db`), 'Relais is listening'));
      } finally {
        renameSync(hidden, dist);
      }
    }
    const floor = median(runs.floor!);
    console.log(`node -e '' (floor): ${floor.toFixed(0)} ms (median of ${ROUNDS})`);
    for (const name of ['help dist', 'help tsx', 'serve dist', 'serve tsx']) {
      const ms = median(runs[name]!);
      const label = name.startsWith('help') ? `relais --help (${name.slice(5)})` : `relais serve until listening (${name.slice(6)})`;
      console.log(`${label}: ${ms.toFixed(0)} ms = ${(ms / floor).toFixed(1)}× the floor, ${(ms - floor).toFixed(0)} ms above it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
