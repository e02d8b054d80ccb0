// The quick-exit button (SECURITY "Someone who seizes a resident's phone"): releases the leave
// guard, stops the crypto worker, empties the page (a receipt on screen included) and replaces
// this page in the history with /sortie, which has the browser clear whatever this origin left
// (Clear-Site-Data) and sends it on to a neutral site, so "back" does not return here. Escape
// pressed twice does the same. Without JavaScript the button is a plain link to /sortie.

import { EXIT_PATH } from '../../src/core/quick-exit.ts';
import { stopWorker } from './crypto-client.ts';
import { releaseGuard } from './leave-guard.ts';

export function quickExit(): void {
  releaseGuard();
  stopWorker();
  document.title = '';
  document.body.replaceChildren();
  window.location.replace(EXIT_PATH);
}

export function initQuickExit(): void {
  document.getElementById('quick-exit')?.addEventListener('click', (e) => {
    e.preventDefault();
    quickExit();
  });
  let lastEscape = 0;
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const now = performance.now();
    if (now - lastEscape < 800) quickExit();
    lastEscape = now;
  });
}
