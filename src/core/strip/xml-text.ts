// Minimal XML text helpers for the Office stripper (XML 1.0 §2.3, §3.1): attribute parsing,
// entity decoding and a well-formedness check of tag nesting. We edit Office parts as text to
// keep everything we do not touch byte-identical; the nesting check catches an edit gone wrong
// before a broken document reaches an officer (DESIGN promise 3).

const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function parseAttributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of tag.matchAll(ATTR)) attrs.set(m[1]!, decodeEntities(m[2] ?? m[3] ?? ''));
  return attrs;
}

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** The prefix a document binds to `namespace` (e.g. 'w'), or undefined. */
export function prefixFor(xml: string, namespace: string): string | undefined {
  const escaped = namespace.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`xmlns:([A-Za-z_][\\w.-]*)\\s*=\\s*["']${escaped}["']`).exec(xml);
  return m?.[1];
}

/**
 * True when start and end tags nest properly. Comments, processing instructions, CDATA and
 * DOCTYPE are skipped; attribute values may contain '>' (quoted strings are skipped whole).
 */
export function tagsBalance(xml: string): boolean {
  const stack: string[] = [];
  let i = xml.indexOf('<');
  while (i >= 0) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) return false;
      i = xml.indexOf('<', end + 3);
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i + 9);
      if (end < 0) return false;
      i = xml.indexOf('<', end + 3);
      continue;
    }
    if (xml.startsWith('<?', i) || xml.startsWith('<!', i)) {
      const end = xml.indexOf('>', i + 2);
      if (end < 0) return false;
      i = xml.indexOf('<', end + 1);
      continue;
    }
    let j = i + 1;
    let quote = 0;
    for (; j < xml.length; j++) {
      const c = xml.charCodeAt(j);
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) {
        quote = c;
      } else if (c === 0x3e) {
        break;
      }
    }
    if (j >= xml.length) return false;
    const inner = xml.slice(i + 1, j);
    if (inner.startsWith('/')) {
      if (stack.pop() !== inner.slice(1).trim()) return false;
    } else if (!inner.endsWith('/')) {
      const name = /^[^\s/>]+/.exec(inner)?.[0];
      if (!name) return false;
      stack.push(name);
    }
    i = xml.indexOf('<', j + 1);
  }
  return stack.length === 0;
}
