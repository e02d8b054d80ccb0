// A copy of this checkout's sources in another folder, as a fresh clone of the commit being
// tested would be (the files git tracks or would track, as they are now; no dist/, no web/dist,
// no .git), with node_modules linked to this checkout's, so that a test can build and run Relais
// somewhere else exactly as another machine would.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHECKOUT = fileURLToPath(new URL('../../', import.meta.url));

export function copySources(dest: string): string {
  const files = execFileSync('git', ['-C', CHECKOUT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && !f.startsWith('node_modules/') && existsSync(join(CHECKOUT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(CHECKOUT, file), join(dest, file));
  }
  symlinkSync(join(CHECKOUT, 'node_modules'), join(dest, 'node_modules'));
  return dest;
}
