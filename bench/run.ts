// Runs every benchmark in bench/ (or those named on the command line) and prints its figures.
// Each benchmark measures its own baseline in the same run and prints ratios against it, so the
// numbers mean something on any machine; nothing here passes or fails on time.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();
for (const file of files) {
  console.log(`\n== ${file.replace(/\.bench\.ts$/, '')}`);
  const mod = (await import(`./${file}`)) as { default: () => Promise<void> };
  await mod.default();
}
