import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.ts';

describe('canonical JSON (RFC 8785)', () => {
  it.each([
    // RFC 8785 §3.2.2.3 orders keys by UTF-16 code units: "\r" < "1" < "\u0080" < "ö" < "€" < "😀" < "דּ"
    [
      {
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '\ufb33': 'Hebrew Letter Dalet With Dagesh',
        '1': 'One',
        '\ud83d\ude00': 'Emoji: Grinning Face',
        '\u0080': 'Control',
        '\u00f6': 'Latin Small Letter O With Diaeresis',
      },
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    ],
    [{ b: [1, 2, { d: null, c: true }], a: 'x' }, '{"a":"x","b":[1,2,{"c":true,"d":null}]}'],
    [{ n: 1e21, m: 0.1, z: -0 }, '{"m":0.1,"n":1e+21,"z":0}'],
    ['line\nbreak "quoted"', '"line\\nbreak \\"quoted\\""'],
  ])('writes %j as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('leaves out undefined members, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it.each([[Number.NaN], [Infinity], [new Date(0)], [() => 1], [10n]])('refuses %s', (value) => {
    expect(() => canonicalJson(value)).toThrow();
  });
});
