// The language choice with JavaScript (issue 17: a language choice on every page that keeps what
// was typed, and never sends it in clear). A language link does not leave the page: the script
// fetches the same page in the other language (a GET with the language only, nothing typed),
// copies its texts and translated attributes onto this page node by node — the structure is the
// same, the server renders both from one template — and leaves every field, choice, file and
// state as it is. Whatever the script itself wrote (errors, the files' list, the conversation,
// progress) is drawn again in the new language by the hooks pages register. The address becomes
// ?lang=… (replaced, not pushed), so a reload keeps the language. Without JavaScript the page's
// buttons re-post its form instead (web/pages/layout.ts).

import type { PageData } from './page-data.ts';

const hooks: (() => void)[] = [];
/** Attributes whose value depends on the language; values, states and ids never do. */
const TRANSLATED = ['lang', 'dir', 'aria-label', 'title', 'hreflang', 'placeholder', 'formaction'];

export function onLanguageChange(redraw: () => void): void {
  hooks.push(redraw);
}

/** Copies texts and translated attributes from `fresh` onto `old` where both have the same shape. */
function sync(old: Node, fresh: Node): void {
  if (old.nodeType !== fresh.nodeType || old.nodeName !== fresh.nodeName) return;
  if (old.nodeType === Node.TEXT_NODE) {
    if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
    return;
  }
  if (old instanceof Element && fresh instanceof Element) {
    if (old.id === 'relais-data' || old instanceof HTMLTextAreaElement || old.localName === 'noscript') return;
    for (const name of TRANSLATED) {
      const value = fresh.getAttribute(name);
      if (value === null) old.removeAttribute(name);
      else if (old.getAttribute(name) !== value) old.setAttribute(name, value);
    }
    if (old instanceof HTMLAnchorElement) old.setAttribute('href', fresh.getAttribute('href') ?? '');
  }
  const a = old.childNodes;
  const b = fresh.childNodes;
  // A part the script changed (it added or removed nodes) is left to its hook.
  if (a.length !== b.length) return;
  for (let i = 0; i < a.length; i++) sync(a[i] as Node, b[i] as Node);
}

export async function switchLanguage(data: PageData, lang: string): Promise<boolean> {
  const url = `${window.location.pathname}?lang=${encodeURIComponent(lang)}`;
  let text: string;
  try {
    const res = await fetch(url, { credentials: 'omit', cache: 'no-store', redirect: 'error' });
    if (!(res.headers.get('Content-Type') ?? '').startsWith('text/html')) return false;
    text = await res.text();
  } catch {
    return false;
  }
  const fresh = new DOMParser().parseFromString(text, 'text/html');
  const freshData = JSON.parse(fresh.getElementById('relais-data')?.textContent ?? '{}') as Partial<PageData>;
  if (freshData.lang !== lang || !freshData.strings) return false;
  sync(document.body, fresh.body);
  document.documentElement.lang = fresh.documentElement.lang;
  document.documentElement.dir = fresh.documentElement.dir;
  document.title = fresh.title;
  data.lang = freshData.lang;
  data.strings = freshData.strings;
  window.history.replaceState(window.history.state, '', url);
  for (const redraw of hooks) redraw();
  return true;
}

/** The pages whose language changes in place; on the others (notices) the links simply lead away. */
const SWITCHED = ['report', 'followup', 'witness'];

export function initLanguageSwitch(data: PageData): void {
  if (!SWITCHED.includes(document.body.dataset.page ?? '')) return;
  const nav = document.getElementById('langs');
  // These links do not leave the page: the receipt's leave guard lets them through (leave-guard.ts).
  for (const link of nav?.querySelectorAll<HTMLElement>('a[hreflang]') ?? []) link.dataset.inPlace = '';
  nav?.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[hreflang]');
    const lang = link?.getAttribute('hreflang');
    if (!link || !lang) return;
    event.preventDefault();
    void switchLanguage(data, lang).then((done) => {
      if (done) (link as HTMLElement).focus();
    });
  });
}
