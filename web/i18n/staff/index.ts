// Message catalogues of the staff pages (officer console, auditor page), apart from the
// resident's so that neither page carries the other's strings. Same rules: one JSON file a
// language, all with the same keys (a test checks it).

import { translate } from '../translate.ts';
import en from './en.json';
import fr from './fr.json';

export type StaffKey = keyof typeof fr;
export type StaffCatalogue = Record<StaffKey, string>;

export const STAFF_CATALOGUES: Record<string, StaffCatalogue> = { fr, en };

export function staffTranslator(lang: string): (key: StaffKey, params?: Record<string, string | number>) => string {
  const catalogue = STAFF_CATALOGUES[lang] ?? fr;
  return (key, params) => translate(catalogue, key, params);
}
