// What the benchmarks share: a server in a child process (bench/server-process.ts) with its RSS and
// CPU over IPC, a keep-alive HTTP load generator with a fixed number of requests in flight, a
// deadline that bounds each benchmark in time, and number formatting.
import { type ChildProcess, fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const MB = 1024 * 1024;

export interface ServerStats {
  rss: number;
  peak: number;
  cpuMs: number;
}

export class ChildServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(kind: 'relais' | 'floor', env: Record<string, string> = {}): Promise<ChildServer> {
    const child = fork(fileURLToPath(new URL('./server-process.ts', import.meta.url)), [kind], {
      execArgv: [
        '--import',
        'tsx',
        ...(process.env.BENCH_CPU_PROF && kind === 'relais' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
      child.on('message', (m: { type: string; url?: string }) => {
        if (m.type === 'ready') resolve(m.url as string);
      });
    });
    return new ChildServer(child, url);
  }

  private ask<T>(type: string): Promise<T> {
    return new Promise((resolve) => {
      const on = (m: { type: string }) => {
        if (m.type !== type) return;
        this.child.off('message', on);
        resolve(m as T);
      };
      this.child.on('message', on);
      this.child.send({ type });
    });
  }

  stats(): Promise<ServerStats> {
    return this.ask('stats');
  }

  async resetPeak(): Promise<void> {
    await this.ask('reset');
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export interface Upload {
  body: Buffer;
  headers: Record<string, string>;
}

/** Posts `uploads` to `url` with `concurrency` in flight on keep-alive connections; returns seconds and statuses. */
export async function load(
  url: string,
  path: string,
  uploads: Upload[],
  concurrency: number,
): Promise<{ seconds: number; statuses: Map<number, number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(path, url);
  const statuses = new Map<number, number>();
  let next = 0;
  const one = (u: Upload) =>
    new Promise<void>((resolve, reject) => {
      const req = request(target, { method: 'POST', agent, headers: { ...u.headers, 'Content-Length': String(u.body.length) } }, (res) => {
        res.resume();
        res.on('end', () => {
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          resolve();
        });
      });
      req.on('error', reject);
      req.end(u.body);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < uploads.length) await one(uploads[next++] as Upload);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { seconds, statuses };
}

/** A deadline for one benchmark: `left()` says whether there is time for more rounds. */
export function deadline(seconds: number): { left: () => boolean; elapsed: () => number } {
  const t0 = performance.now();
  return { left: () => performance.now() - t0 < seconds * 1000, elapsed: () => (performance.now() - t0) / 1000 };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
