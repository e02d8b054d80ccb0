// The progress region of the resident pages: a <progress> bar and a sentence, in a polite live
// region so screen readers hear each stage once, not every percent.

import type { MessageKey } from '../i18n/index.ts';
import { byId } from './page-data.ts';

export class ProgressView {
  private readonly box = byId('progress');
  private readonly bar = byId<HTMLProgressElement>('progress-bar');
  private readonly text = byId('progress-text');
  private lastKey = '';

  constructor(private readonly t: (key: MessageKey, params?: Record<string, string | number>) => string) {}

  show(key: MessageKey, fraction: number, params: Record<string, string | number> = {}): void {
    this.box.hidden = false;
    this.bar.value = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    // Only the stage sentence is announced; the bar carries the percentage.
    if (key !== this.lastKey || key === 'progress.pow') {
      const sentence = this.t(key, params);
      if (this.text.textContent !== sentence) this.text.textContent = sentence;
      this.lastKey = key;
    }
  }

  /** Writes the stage sentence again at the next step (after a language change). */
  relabel(): void {
    this.lastKey = '';
  }

  hide(): void {
    this.box.hidden = true;
    this.lastKey = '';
  }
}
