// The quick-exit button: empties the page, stops the crypto worker and replaces this page in the
// history with a neutral site, so "back" does not return here. Escape pressed twice does the same.
// Without JavaScript it is a plain link to the same site.

import { stopWorker } from './crypto-client.ts';

export function initQuickExit(url: string): void {
  const exit = () => {
    stopWorker();
    document.title = '';
    document.body.replaceChildren();
    window.location.replace(url);
  };
  document.getElementById('quick-exit')?.addEventListener('click', (e) => {
    e.preventDefault();
    exit();
  });
  let lastEscape = 0;
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const now = performance.now();
    if (now - lastEscape < 800) exit();
    lastEscape = now;
  });
}
