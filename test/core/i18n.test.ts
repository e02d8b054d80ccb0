// The message catalogues (resident pages in French, English and Arabic; staff pages): the same keys
// and placeholders in every language, every plural form each language needs (Intl.PluralRules),
// Western digits everywhere, and the sentences that hold only with JavaScript kept out of them.
import { describe, expect, it } from 'vitest';
import { CATALOGUES, pickLanguage, translate } from '../../web/i18n/index.ts';
import { SEALED_HERE } from '../../web/i18n/sealed-here.ts';
import { STAFF_CATALOGUES } from '../../web/i18n/staff/index.ts';
import { numberLocale, parseTemplate, pluralCategories } from '../../web/i18n/translate.ts';
import { cleanFile, StripError } from '../../src/core/strip/index.ts';
import { STRIP_REASONS } from '../../src/core/strip/errors.ts';
import { readCorpus } from '../strip/helpers.ts';
import { stringsForPage } from '../../web/pages/page-strings.ts';
import { readFileSync } from 'node:fs';

/** Every placeholder name a template uses: plain ones, plural blocks and those inside their branches. */
function placeholders(template: string): string[] {
  const names = new Set<string>();
  const visit = (text: string) => {
    for (const part of parseTemplate(text)) {
      if (typeof part === 'string') continue;
      if ('placeholder' in part) names.add(part.placeholder);
      else {
        names.add(part.name);
        for (const branch of part.branches.values()) visit(branch);
      }
    }
  };
  visit(template);
  return [...names].sort();
}

function pluralBlocks(template: string) {
  return parseTemplate(template).filter(
    (p): p is Exclude<typeof p, string | { placeholder: string }> => typeof p !== 'string' && 'branches' in p,
  );
}

describe('message catalogues', () => {
  it('give every language exactly the keys of the French one, none empty', () => {
    const keys = Object.keys(CATALOGUES.fr!).sort();
    expect(Object.keys(CATALOGUES).sort()).toEqual(['ar', 'en', 'fr']);
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      expect(Object.keys(catalogue).sort(), lang).toEqual(keys);
      for (const [key, text] of Object.entries(catalogue)) expect(text.trim(), `${lang} ${key}`).not.toBe('');
    }
  });

  it('use the same placeholders in every language, plural blocks and their branches included', () => {
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      for (const [key, text] of Object.entries(catalogue))
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(CATALOGUES.fr![key as keyof typeof catalogue]));
    }
  });

  it('give each plural block every form its language needs, and nothing the parser would show raw', () => {
    let blocks = 0;
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      expect(catalogue['meta.lang'], lang).toBe(lang);
      const needed = pluralCategories(lang);
      for (const [key, text] of Object.entries(catalogue)) {
        for (const block of pluralBlocks(text)) {
          blocks++;
          const forms = [...block.branches.keys()].filter((k) => !k.startsWith('='));
          expect(forms.sort(), `${lang} ${key}`).toEqual(needed);
        }
        // A brace left after parsing is a block the parser did not understand.
        for (const part of parseTemplate(text)) if (typeof part === 'string') expect(part, `${lang} ${key}`).not.toMatch(/[{}]/);
      }
    }
    expect(blocks).toBeGreaterThanOrEqual(12);
    expect(pluralCategories('ar')).toEqual(['few', 'many', 'one', 'other', 'two', 'zero']);
  });

  it('choose the plural form with Intl.PluralRules: one file is one file in every language', () => {
    const hint = (lang: string, count: number) => translate(CATALOGUES[lang]!, 'files.hint', { count, file: 20, total: 50 });
    expect(hint('fr', 1)).toContain('un fichier au plus, de 20 Mo');
    expect(hint('fr', 1)).not.toMatch(/\d fichiers/);
    expect(hint('fr', 10)).toContain('jusqu’à 10 fichiers, 20 Mo chacun');
    expect(hint('en', 1)).toContain('one file at most, of 20 MB');
    expect(hint('en', 3)).toContain('up to 3 files');
    const state = (lang: string, count: number) => translate(CATALOGUES[lang]!, 'files.state', { count });
    expect([0, 1, 2].map((n) => state('fr', n))).toEqual(['Aucun fichier ajouté.', '1 fichier ajouté.', '2 fichiers ajoutés.']);
    expect([0, 1, 2].map((n) => state('en', n))).toEqual(['No file added.', '1 file added.', '2 files added.']);
    // Arabic: zero, one, two, few (3-10), many (11-99), other (100…)
    expect([0, 1, 2, 3, 11, 100].map((n) => state('ar', n))).toEqual([
      'لم يُضَف أي ملف.',
      'أُضيف ملف واحد.',
      'أُضيف ملفان.',
      'أُضيفت 3 ملفات.',
      'أُضيف 11 ملفًا.',
      'أُضيف 100 ملف.',
    ]);
  });

  it('write numbers with Western digits in every language, Arabic included', () => {
    const ar = CATALOGUES.ar!;
    expect(translate(ar, 'files.error.countNoJs', { max: 7 })).toContain('7');
    expect(translate(ar, 'receipt.ref', { ref: 'R-ABCD-EFGH-JKMN' })).toBe('المرجع: R-ABCD-EFGH-JKMN');
    expect(new Intl.NumberFormat(numberLocale('ar'), { maximumFractionDigits: 1 }).format(12.5)).toMatch(/^12[.,٫]5$/);
    expect(new Intl.NumberFormat(numberLocale('ar')).format(1234567)).not.toMatch(/[٠-٩]/);
    for (const [lang, catalogue] of Object.entries(CATALOGUES))
      for (const [key, text] of Object.entries(catalogue)) expect(text, `${lang} ${key}`).not.toMatch(/[٠-٩۰-۹]/);
  });

  it('put every refusal of the strippers in words in every language, with the values the strippers give', async () => {
    const refusal = async (bytes: Uint8Array, maxBytes?: number) => {
      try {
        await cleanFile(bytes, maxBytes ? { maxBytes } : {});
      } catch (e) {
        if (e instanceof StripError) return e;
      }
      throw new Error('not refused');
    };
    const given = [
      await refusal(new Uint8Array(2 * 1024 * 1024), 1024 * 1024),
      await refusal(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0x00])),
      await refusal(readCorpus('exiftool-QuickTime.heic')),
      await refusal(readCorpus('exiftool-QuickTime.mov')),
      await refusal(new TextEncoder().encode('just some text')),
    ];
    expect(given.map((e) => [e.reason, e.params])).toEqual([
      ['too_large', { mb: 1 }],
      ['malformed', { kind: 'JPEG' }],
      ['needs_reencode', { format: 'image/heic' }],
      ['video_sound', {}],
      ['unknown_type', {}],
    ]);
    const params: Record<string, string[]> = { too_large: ['mb'], malformed: ['kind'], needs_reencode: ['format'] };
    for (const [lang, catalogue] of Object.entries(CATALOGUES))
      for (const reason of STRIP_REASONS)
        expect(placeholders(catalogue[`strip.${reason}`]), `${lang} ${reason}`).toEqual(params[reason] ?? []);
    for (const e of given) expect(translate(CATALOGUES.ar!, `strip.${e.reason}`, e.params)).not.toMatch(/[{}]/);
  });

  it('give each page’s script every string it asks for, and the report page nothing only the server writes', () => {
    const scripts: Record<string, string[]> = {
      report: ['form-kit', 'report-form', 'attachments', 'progress'],
      witness: ['form-kit', 'witness-form', 'progress'],
      followup: ['followup-page', 'progress'],
    };
    const fr = CATALOGUES.fr!;
    for (const [page, files] of Object.entries(scripts)) {
      const source = files.map((f) => readFileSync(new URL(`../../web/src/${f}.ts`, import.meta.url), 'utf8')).join('\n');
      const asked = new Set<string>();
      for (const [, key] of source.matchAll(/['`]([a-z][\w-]*(?:\.[\w-]+)+)['`]/g)) if (key && key in fr) asked.add(key);
      for (const [, prefix] of source.matchAll(/`([a-z]+\.)\$\{/g))
        for (const key of Object.keys(fr)) if (key.startsWith(prefix!)) asked.add(key);
      expect(asked.size, page).toBeGreaterThan(5);
      const given = stringsForPage(fr, page)!;
      expect(
        [...asked].filter((k) => !(k in given)),
        page,
      ).toEqual([]);
    }
    const report = stringsForPage(fr, 'report')!;
    for (const key of ['home.intro', 'form.nojs', 'witness.intro', 'followup.intro', 'nojs.wait'])
      expect(report, key).not.toHaveProperty(key);
    expect(Object.keys(stringsForPage(fr, 'receipt')!)).toEqual(['meta.name', 'meta.dir', 'meta.lang']);
  });

  it('declare a writing direction, Arabic right to left', () => {
    for (const catalogue of Object.values(CATALOGUES)) expect(['ltr', 'rtl']).toContain(catalogue['meta.dir']);
    expect(CATALOGUES.ar!['meta.dir']).toBe('rtl');
  });

  it('never say in a page’s catalogue that the text is sealed on the device: only the script says it, in every language', () => {
    expect(Object.keys(SEALED_HERE).sort()).toEqual(Object.keys(CATALOGUES).sort());
    const onDevice = /sur (cet|votre) appareil|sur votre téléphone avant|on (this|your) device|على هذا الجهاز|على جهازك قبل/;
    for (const [lang, catalogue] of Object.entries(CATALOGUES))
      for (const [key, text] of Object.entries(catalogue))
        if (!/nojs/.test(key))
          expect(text, `${lang} ${key}`).not.toMatch(/sur (cet|votre) appareil avant|on (this|your) device before|على هذا الجهاز قبل/);
    for (const [lang, { report, witness }] of Object.entries(SEALED_HERE)) {
      expect(report, lang).toMatch(onDevice);
      expect(witness, lang).toMatch(onDevice);
    }
  });

  it('of the staff pages (console, auditor page) give every language the French keys, none empty, the same placeholders and a direction', () => {
    const fr = STAFF_CATALOGUES.fr!;
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
    expect(pickLanguage('ar', ['fr', 'en', 'ar'])).toBe('ar');
    expect(pickLanguage('ar', ['fr', 'en'])).toBe('fr');
    expect(pickLanguage('de', ['fr', 'en'])).toBe('fr');
    expect(pickLanguage(null, ['en', 'fr'])).toBe('en');
    expect(pickLanguage('en', ['fr'])).toBe('fr');
  });

  it('fill placeholders and plural blocks, and leave unknown ones visible', () => {
    expect(translate(CATALOGUES.fr!, 'receipt.ref', { ref: 'R-1' })).toBe('Référence : R-1');
    expect(translate(CATALOGUES.en!, 'receipt.ref')).toBe('Reference: {ref}');
    expect(translate(CATALOGUES.en!, 'files.state')).toBe('{count}');
    const t = { 'meta.lang': 'fr', k: 'a {n, plural, =0 {aucun} one {# seul {x}} other {# ({x})}} b' } as Record<string, string>;
    expect([0, 1, 5].map((n) => translate(t, 'k', { n, x: 'X' }))).toEqual(['a aucun b', 'a 1 seul X b', 'a 5 (X) b']);
    expect(translate(t, 'k', { n: 'beaucoup' })).toBe('a {n} b');
  });
});
