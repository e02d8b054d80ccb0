// One labelled form field of the resident pages (DESIGN promise 9: usable with a screen reader):
// the label, its hint and its error element, whose ids the control's aria-describedby names and
// the page script fills (web/src/form-kit.ts showProblems).

import { html, type Html } from './html.ts';

export function field(id: string, label: string, hint: string, optional: string | null, control: Html): Html {
  return html`<div class="field" id="${id}-field">
  <label for="${id}">${label}${optional ? html` <span class="optional">(${optional})</span>` : ''}</label>
  <p class="hint" id="${id}-hint">${hint}</p>
  <p class="error" id="${id}-error" hidden></p>
  ${control}
</div>`;
}
