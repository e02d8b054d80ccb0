// Keeps the witness page's strings off the other resident pages (DESIGN promise 9: a light first
// page). Pages are served uncompressed, and the catalogue travels in each page for its script; the
// "testify under protection" texts are long and only /temoigner's script needs any of them.

import type { Catalogue } from '../i18n/index.ts';

export function stringsForPage(catalogue: Catalogue | undefined, page: string): Partial<Catalogue> | undefined {
  if (!catalogue || page === 'witness') return catalogue;
  return Object.fromEntries(Object.entries(catalogue).filter(([key]) => !key.startsWith('witness.'))) as Partial<Catalogue>;
}
