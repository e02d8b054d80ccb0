// A tagged template for server-rendered pages that escapes every interpolated value unless it is
// already Html (a fragment built the same way). Pages never put resident input in HTML any other
// way, so nothing typed can become markup.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** JSON for a <script type="application/json"> block: `<` escaped so it cannot close the tag. */
export function jsonBlock(value: unknown): Html {
  return new Html(JSON.stringify(value).replace(/</g, '\\u003c'));
}

/**
 * The submit buttons of a form that works with and without JavaScript. Without JavaScript only the
 * <noscript> button exists (with a marker field the no-JS handlers require). With JavaScript the
 * page has a hidden, disabled button until its script has loaded and taken over the form: the form can
 * then not be sent, not even with Enter, before it can be sealed in the browser, so nothing typed
 * goes out in clear because a resident was quicker than a slow connection.
 */
export function dualSubmit(label: string, id: string): Html {
  return html`<noscript><input type="hidden" name="nojs" value="1"><button type="submit" class="primary">${label}</button></noscript>
  <button type="submit" class="primary" id="${id}" disabled hidden data-needs-script>${label}</button>`;
}
