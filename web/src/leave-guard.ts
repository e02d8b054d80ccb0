// Asking before the resident leaves a page that holds something shown only once (issue 17: the
// receipt cannot be lost by one tap). While the guard is on, leaving the document (a link, a
// reload, Back, closing the tab) makes the browser ask first (beforeunload), and a click on any
// link left in the page asks in the page's language. The quick exit and the resident's own
// confirmation release it first: they are the ways out the page offers. A link the page handles
// without leaving (`data-in-place`: the language choice, web/src/language-switch.ts) asks nothing.

let message: (() => string) | null = null;

function onBeforeUnload(event: BeforeUnloadEvent): void {
  if (!message) return;
  event.preventDefault();
  event.returnValue = ''; // older browsers need a value; none shows it any more
}

function onClick(event: MouseEvent): void {
  if (!message) return;
  const link = (event.target as Element | null)?.closest?.('a[href]');
  if (!link || link.id === 'quick-exit' || link.hasAttribute('data-in-place')) return;
  if (window.confirm(message())) {
    releaseGuard();
    return;
  }
  // Staying: the link does nothing, not even what the page's own scripts would do with it.
  event.preventDefault();
  event.stopImmediatePropagation();
}

export function guardLeaving(text: () => string): void {
  if (!message) {
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
  }
  message = text;
}

export function releaseGuard(): void {
  message = null;
  window.removeEventListener('beforeunload', onBeforeUnload);
  document.removeEventListener('click', onClick, true);
}
