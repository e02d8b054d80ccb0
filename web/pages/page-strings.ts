// Keeps each page's catalogue to what its script needs (DESIGN promise 9: a light first page).
// Pages are served uncompressed, and the catalogue travels in each page for its script, which
// writes only errors, progress, the receipt's lines, the files' list and the conversation; the
// rest of every page is rendered by the server (and copied from the server's page by the
// in-page language switch). A test checks that each page gets every key its script asks for.

import type { Catalogue } from '../i18n/index.ts';

const EVERY_PAGE = ['meta.', 'list.', 'form.errors.title', 'form.error.', 'progress.', 'error.', 'receipt.ref', 'receipt.leave'];
const BY_PAGE: Record<string, string[]> = {
  report: ['files.', 'strip.'],
  followup: ['followup.', 'status.', 'files.kb'],
  witness: ['witness.error.', 'witness.receipt.number'],
};

export function stringsForPage(catalogue: Catalogue | undefined, page: string): Partial<Catalogue> | undefined {
  if (!catalogue) return catalogue;
  const wanted = BY_PAGE[page] ? [...EVERY_PAGE, ...BY_PAGE[page]] : ['meta.'];
  return Object.fromEntries(Object.entries(catalogue).filter(([key]) => wanted.some((w) => key.startsWith(w)))) as Partial<Catalogue>;
}
