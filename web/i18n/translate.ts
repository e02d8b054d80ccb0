// Filling a message template, apart from the catalogues so that page scripts, which get their
// strings from the page, do not bundle every language.

export function translate<K extends string>(catalogue: Record<K, string>, key: K, params: Record<string, string | number> = {}): string {
  const template = catalogue[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
