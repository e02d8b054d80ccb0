// The receipt, shown once, that cannot be lost by accident (DESIGN promise 5; issue 17). Once the
// report is filed the page becomes the receipt and nothing else: everything around it (the site
// link, the other paths, the page's text) is hidden and inert, so the only ways away are the
// resident's confirmation and the quick exit; leaving any other way (Back, a reload, closing the
// tab) makes the browser ask first. The language choice stays: it changes the language in the
// page (language-switch.ts), and the receipt's lines are drawn again in the new language. The focus lands on the receipt's box —
// title, witness number, digits and reference — scrolled into view below the sticky header. On
// confirmation the texts are cleared and the page is replaced by a fresh one, so nothing of the
// receipt stays in it.

import { focusInView } from './focus.ts';
import { onLanguageChange } from './language-switch.ts';
import { guardLeaving, releaseGuard } from './leave-guard.ts';
import { byId } from './page-data.ts';

/** Hides and disables every element of the page that is not the receipt, the quick exit or one of their ancestors. */
function isolate(keep: HTMLElement[]): void {
  const kept = (el: Element) => keep.some((k) => k === el || el.contains(k));
  const walk = (parent: Element) => {
    for (const child of [...parent.children]) {
      if (!(child instanceof HTMLElement) || child.localName === 'script') continue;
      if (keep.includes(child)) continue;
      if (kept(child)) walk(child);
      else {
        child.hidden = true;
        child.inert = true;
      }
    }
  };
  walk(document.body);
}

/**
 * Fills `texts` (element id → its text, asked again after a language change), shows the receipt
 * section and locks the page on it until the resident ticks that they copied it and finishes;
 * `leave` is the question asked before leaving.
 */
export function showReceiptOnce(texts: Record<string, () => string>, leave: () => string): void {
  let shown = true;
  const draw = () => {
    for (const [id, text] of Object.entries(texts)) byId(id).textContent = shown ? text() : '';
  };
  draw();
  onLanguageChange(draw);
  const section = byId('receipt');
  section.hidden = false;
  const languages = document.getElementById('langs');
  isolate([section, byId('quick-exit'), ...(languages ? [languages] : [])]);
  document.body.dataset.state = 'receipt';
  guardLeaving(leave);
  focusInView(byId('receipt-key'));
  const done = byId<HTMLInputElement>('receipt-done');
  const finish = byId<HTMLButtonElement>('receipt-finish');
  done.addEventListener('change', () => (finish.disabled = !done.checked));
  finish.addEventListener('click', () => {
    shown = false;
    draw();
    releaseGuard();
    window.location.replace(window.location.pathname + window.location.search);
  });
}
