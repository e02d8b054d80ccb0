// What the server put in the page for its script (web/pages/layout.ts): the language, its
// message catalogue and page-specific values. Never a secret.

import type { Catalogue, MessageKey } from '../i18n/index.ts';
import { translate } from '../i18n/translate.ts';

export interface PageData {
  /** the page's language and its catalogue; the in-page language switch replaces both */
  lang: string;
  strings: Catalogue;
  reportLabels?: { category: string; what: string; where: string; when: string };
  categoryLabels?: Record<string, string>;
}

export function readPageData(): PageData {
  const block = document.getElementById('relais-data');
  return JSON.parse(block?.textContent ?? '{}') as PageData;
}

export function translatorFor(data: PageData): (key: MessageKey, params?: Record<string, string | number>) => string {
  return (key, params) => translate(data.strings, key, params);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}
