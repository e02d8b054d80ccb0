// One labelled form field of the resident pages (DESIGN promise 9: usable with a screen reader):
// the label, its hint and its error element, whose ids the control's aria-describedby names and
// the page script fills (web/src/form-kit.ts showProblems); and the inbox names a field's hint
// shows, in the page's language.

import { html, type Html } from './html.ts';
import type { PageContext } from './layout.ts';

/** The names of the inboxes that read something, in the page's language, as a list in words. */
export function inboxList(ctx: PageContext, names: Record<string, string[]> | undefined): string {
  return (names?.[ctx.lang] ?? []).join(ctx.t('list.separator'));
}

export function field(id: string, label: string, hint: string, optional: string | null, control: Html): Html {
  return html`<div class="field" id="${id}-field">
  <label for="${id}">${label}${optional ? html` <span class="optional">(${optional})</span>` : ''}</label>
  <p class="hint" id="${id}-hint">${hint}</p>
  <p class="error" id="${id}-error" hidden></p>
  ${control}
</div>`;
}
