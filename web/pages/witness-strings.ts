// Keeps each page's catalogue to what its script needs (DESIGN promise 9: a light first page).
// Pages are served uncompressed, and the catalogue travels in each page for its script: the
// "testify under protection" texts are long and only /temoigner's script needs any of them; the
// strippers' refusals are needed only where files are attached (the report form).

import type { Catalogue } from '../i18n/index.ts';

export function stringsForPage(catalogue: Catalogue | undefined, page: string): Partial<Catalogue> | undefined {
  if (!catalogue) return catalogue;
  const skip = (key: string) => (page !== 'witness' && key.startsWith('witness.')) || (page !== 'report' && key.startsWith('strip.'));
  return Object.fromEntries(Object.entries(catalogue).filter(([key]) => !skip(key))) as Partial<Catalogue>;
}
