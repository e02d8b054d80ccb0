// Message catalogues of the resident pages (DESIGN "Who uses it": French first; issue 17: Arabic).
// One JSON file a language, all with the same keys, placeholders and plural forms (a test checks
// it); adding a language is adding a file here, its sentences in sealed-here.ts, and its code to the
// config's site.languages. `meta.dir` sets the direction (Arabic is right to left), `meta.lang`
// the plural rules.

import ar from './ar.json';
import en from './en.json';
import fr from './fr.json';
import { translate } from './translate.ts';

export type MessageKey = keyof typeof fr;
export type Catalogue = Record<MessageKey, string>;

export const CATALOGUES: Record<string, Catalogue> = { fr, en, ar };

/** The language to show: the requested one if the site offers it, else the site's first. */
export function pickLanguage(requested: string | undefined | null, siteLanguages: string[]): string {
  const offered = siteLanguages.filter((l) => l in CATALOGUES);
  if (requested && offered.includes(requested)) return requested;
  return offered[0] ?? 'fr';
}

export { translate };

export function translator(lang: string): (key: MessageKey, params?: Record<string, string | number>) => string {
  const catalogue = CATALOGUES[lang] ?? fr;
  return (key, params) => translate(catalogue, key, params);
}
