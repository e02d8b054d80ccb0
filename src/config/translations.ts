// What residents would read untranslated (DESIGN "Config": labels per language; issue 17): the
// names of the inboxes residents are shown, in each of the site's languages. A category without a
// label in a site language is refused by the schema (it names each one); these are warnings of
// `relais config check`, since an inbox without a name in a language shows its `name` there.
// Texts in a language the site does not offer are pointed out too. Pure: reads the parsed config.

import type { Config, Inbox } from './schema.ts';

/** The name residents read for an inbox in `lang`: its `names[lang]`, else its `name`. */
export function inboxName(inbox: Pick<Inbox, 'name' | 'names'>, lang: string): string {
  return inbox.names?.[lang] ?? inbox.name;
}

/** One sentence per text a resident would read in another language than the page's, or not at all. */
export function missingTranslations(config: Config): string[] {
  const languages = config.site.languages;
  const [first] = languages;
  const out: string[] = [];
  const routed = new Set(config.categories.flatMap((c) => (c.kind === 'witness' ? [...c.testimony, ...c.identity] : c.inboxes)));
  for (const inbox of config.inboxes) {
    if (!routed.has(inbox.id)) continue;
    for (const lang of languages) {
      if (lang === first || inbox.names?.[lang]) continue;
      out.push(`inbox "${inbox.id}" has no name in "${lang}": residents reading "${lang}" see "${inbox.name}"`);
    }
    for (const lang of Object.keys(inbox.names ?? {}))
      if (!languages.includes(lang)) out.push(`inbox "${inbox.id}" has a name in "${lang}", which site.languages does not offer`);
  }
  for (const category of config.categories) {
    for (const lang of [...Object.keys(category.labels), ...Object.keys(category.hints ?? {})])
      if (!languages.includes(lang)) out.push(`category "${category.id}" has a text in "${lang}", which site.languages does not offer`);
  }
  return [...new Set(out)];
}
