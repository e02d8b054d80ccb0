// Runs every benchmark in bench/ (or those named on the command line) and prints its figures.
// Each benchmark measures its floor in the same run, interleaved with what it measures and on the
// same inputs, and prints ratios against it, so the numbers mean something on any machine;
// nothing here passes or fails on time. Each benchmark bounds its own rounds in time, and this
// runner stops the whole run if one still goes past BENCH_MAX_SECONDS (default 600). It builds
// web/dist first, as the tests do, since the benchmarks start real servers that serve it.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../src/cli/build-web.ts';
import { removeTempDirs } from '../test/helpers/temp.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const maxSeconds = Number(process.env.BENCH_MAX_SECONDS ?? 600);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();
await buildWeb({ quiet: true });
try {
  for (const file of files) {
    const name = file.replace(/\.bench\.ts$/, '');
    console.log(`\n== ${name}`);
    const t0 = performance.now();
    const mod = (await import(`./${file}`)) as { default: () => Promise<void> };
    const watchdog = setTimeout(() => {
      console.log(`${name}: stopped, past the ${maxSeconds} s bound`);
      removeTempDirs();
      process.exit(1);
    }, maxSeconds * 1000);
    await mod.default();
    clearTimeout(watchdog);
    console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
} finally {
  removeTempDirs();
}
