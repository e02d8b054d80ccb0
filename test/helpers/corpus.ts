// Where the metadata corpus is (DESIGN: ../shared/corpus holds real files with embedded metadata
// for the strippers' tests). It is not part of this repository; tests look for it, in order, in
// RELAIS_CORPUS, next to the checkout (../shared/corpus), then at /work/shared/corpus, and fail
// loudly if it is nowhere — a stripper test that silently skipped would prove nothing.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function findCorpus(): string {
  const candidates = [
    process.env.RELAIS_CORPUS,
    fileURLToPath(new URL('../../../shared/corpus/', import.meta.url)),
    '/work/shared/corpus/',
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(`${c.replace(/\/?$/, '/')}README.md`));
  if (!found) throw new Error(`the metadata corpus is missing: looked in ${candidates.join(', ')} (set RELAIS_CORPUS)`);
  return found.replace(/\/?$/, '/');
}

export const CORPUS_DIR = findCorpus();
