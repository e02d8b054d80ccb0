// Filling a message template, apart from the catalogues so that page scripts, which get their
// strings from the page, do not bundle every language. Templates have `{name}` placeholders and
// plural blocks in the ICU style, `{count, plural, one {# fichier} other {# fichiers}}`, whose
// branch is chosen with Intl.PluralRules of the catalogue's language (`meta.lang`); `=N` branches
// match an exact number first, `#` is the number. Numbers are always written with Western digits
// (0-9), in every language: a receipt or a limit read aloud to the police must not depend on the
// script (DESIGN: the resident pages in French, English and Arabic).

export type Params = Record<string, string | number>;

/** The locale for Intl number and date formats: the page's language, always with Western digits. */
export function numberLocale(lang: string): string {
  return `${lang}-u-nu-latn`;
}

/** The plural categories `lang` needs, e.g. ["few", "many", "one", "other", "two", "zero"] for ar. */
export function pluralCategories(lang: string): string[] {
  return [...new Intl.PluralRules(lang).resolvedOptions().pluralCategories].sort();
}

/** Where the `{…}` that opens at `start` closes (braces nest), or -1. */
function closing(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

export interface PluralBlock {
  name: string;
  branches: Map<string, string>;
}

/** The branches of a plural block's body, `one {…} other {…}`; null if it is not well formed. */
function parseBranches(body: string): Map<string, string> | null {
  const branches = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const head = /^\s*(=\d+|zero|one|two|few|many|other)\s*\{/.exec(body.slice(i));
    if (!head) return body.slice(i).trim() === '' ? branches : null;
    const open = i + head[0].length - 1;
    const end = closing(body, open);
    if (end < 0) return null;
    branches.set(head[1] as string, body.slice(open + 1, end));
    i = end + 1;
  }
  return branches;
}

/** Splits a template into text, placeholders and plural blocks (a test reads them per language). */
export function parseTemplate(template: string): (string | { placeholder: string } | PluralBlock)[] {
  const out: (string | { placeholder: string } | PluralBlock)[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) break;
    const end = closing(template, open);
    if (end < 0) break;
    if (open > i) out.push(template.slice(i, open));
    const inner = template.slice(open + 1, end);
    const plural = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/.exec(inner);
    const branches = plural ? parseBranches(plural[2] as string) : null;
    if (plural && branches) out.push({ name: plural[1] as string, branches });
    else if (/^\w+$/.test(inner)) out.push({ placeholder: inner });
    else out.push(template.slice(open, end + 1));
    i = end + 1;
  }
  if (i < template.length) out.push(template.slice(i));
  return out;
}

function fill(template: string, params: Params, lang: string): string {
  return parseTemplate(template)
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('placeholder' in part) return part.placeholder in params ? String(params[part.placeholder]) : `{${part.placeholder}}`;
      const value = Number(params[part.name]);
      if (!(part.name in params) || !Number.isFinite(value)) return `{${part.name}}`;
      const branch =
        part.branches.get(`=${value}`) ?? part.branches.get(new Intl.PluralRules(lang).select(value)) ?? part.branches.get('other') ?? '';
      return fill(branch.replace(/#/g, String(value)), params, lang);
    })
    .join('');
}

export function translate<K extends string>(catalogue: Record<K, string>, key: K, params: Params = {}): string {
  const template = catalogue[key] ?? key;
  const lang = (catalogue as Record<string, string>)['meta.lang'] ?? 'fr';
  return fill(template, params, lang);
}
