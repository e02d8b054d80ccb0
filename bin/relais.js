#!/usr/bin/env node
// The `relais` command. Runs the compiled code in dist/ (`npm run build`, src/cli/build-server.ts)
// when it is there and every source file it was built from is unchanged (or there are no sources
// beside it); otherwise, in a development checkout, runs the TypeScript sources through tsx. A
// production install therefore runs compiled code with no TypeScript tooling, and a developer
// never runs a stale dist/ by mistake.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function compiledIsCurrent() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(new URL('dist/build-stamp.json', root), 'utf8'));
  } catch {
    return false;
  }
  if (!existsSync(new URL('src/', root))) return true;
  for (const [path, hash] of Object.entries(stamp.inputs ?? {})) {
    let bytes;
    try {
      bytes = readFileSync(new URL(path, root));
    } catch {
      return false;
    }
    if (createHash('sha256').update(bytes).digest('base64') !== hash) return false;
  }
  return true;
}

let main;
if (compiledIsCurrent()) {
  ({ main } = await import('../dist/main.js'));
} else {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    process.stderr.write('relais: dist/ is missing or older than the sources, and tsx is not installed: run `npm run build`\n');
    process.exit(1);
  }
  tsx.register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
