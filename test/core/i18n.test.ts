import { describe, expect, it } from 'vitest';
import { CATALOGUES, pickLanguage, translate } from '../../web/i18n/index.ts';
import { STAFF_CATALOGUES } from '../../web/i18n/staff/index.ts';

describe('message catalogues', () => {
  it('give every language exactly the keys of the French one, none empty', () => {
    const keys = Object.keys(CATALOGUES.fr!).sort();
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      expect(Object.keys(catalogue).sort(), lang).toEqual(keys);
      for (const [key, text] of Object.entries(catalogue)) expect(text.trim(), `${lang} ${key}`).not.toBe('');
    }
  });

  it('use the same placeholders in every language', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      for (const [key, text] of Object.entries(catalogue))
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(CATALOGUES.fr![key as keyof typeof catalogue]));
    }
  });

  it('declare a writing direction, so a right-to-left language is a file away', () => {
    for (const catalogue of Object.values(CATALOGUES)) expect(['ltr', 'rtl']).toContain(catalogue['meta.dir']);
  });

  it('of the staff pages (console, auditor page) give every language the French keys, none empty, the same placeholders and a direction', () => {
    const fr = STAFF_CATALOGUES.fr!;
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [lang, catalogue] of Object.entries(STAFF_CATALOGUES)) {
      expect(Object.keys(catalogue).sort(), lang).toEqual(Object.keys(fr).sort());
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(fr[key as keyof typeof fr]));
      }
      expect(['ltr', 'rtl']).toContain(catalogue['meta.dir']);
    }
  });

  it('pick the requested language only if the site offers it, else the site’s first', () => {
    expect(pickLanguage('en', ['fr', 'en'])).toBe('en');
    expect(pickLanguage('de', ['fr', 'en'])).toBe('fr');
    expect(pickLanguage(null, ['en', 'fr'])).toBe('en');
    expect(pickLanguage('en', ['fr'])).toBe('fr');
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(translate(CATALOGUES.fr!, 'receipt.ref', { ref: 'R-1' })).toBe('Référence : R-1');
    expect(translate(CATALOGUES.en!, 'receipt.ref')).toBe('Reference: {ref}');
  });
});
