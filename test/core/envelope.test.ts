import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../src/core/bytes.ts';
import { decodeEnvelope, encodeEnvelope, EnvelopeError } from '../../src/core/envelope.ts';
import { padmeLength } from '../../src/core/padme.ts';

describe('sealed-part envelope', () => {
  it('round-trips content and pads the whole to a PADMÉ length', () => {
    const content = utf8('Guetteurs au pied de la tour B');
    const bytes = encodeEnvelope({ kind: 'report', contentType: 'text/plain; charset=utf-8', content });
    expect(bytes.length).toBe(padmeLength(bytes.length));
    const back = decodeEnvelope(bytes);
    expect(back.kind).toBe('report');
    expect(fromUtf8(back.content)).toBe('Guetteurs au pied de la tour B');
  });

  it('reads as plain text for an officer who decrypts it with gpg', () => {
    const text = fromUtf8(encodeEnvelope({ kind: 'report', contentType: 'text/plain; charset=utf-8', content: utf8('bonjour') }));
    expect(
      text.startsWith('Relais-Envelope: 1\nKind: report\nContent-Type: text/plain; charset=utf-8\nContent-Length: 7\n\nbonjour '),
    ).toBe(true);
  });

  it('gives two texts of similar length the same size', () => {
    const a = encodeEnvelope({ kind: 'report', contentType: 'text/plain; charset=utf-8', content: new Uint8Array(1460) });
    const b = encodeEnvelope({ kind: 'report', contentType: 'text/plain; charset=utf-8', content: new Uint8Array(1500) });
    expect(a.length).toBe(b.length);
  });

  it.each([
    ['no header', 'just text'],
    ['another magic', 'Relais-Envelope: 2\nKind: report\nContent-Type: text/plain; charset=utf-8\nContent-Length: 1\n\nx'],
    ['an unknown kind', 'Relais-Envelope: 1\nKind: secret\nContent-Type: text/plain; charset=utf-8\nContent-Length: 1\n\nx'],
    ['a free-text content type', 'Relais-Envelope: 1\nKind: report\nContent-Type: text/html\nContent-Length: 1\n\nx'],
    ['a length past the end', 'Relais-Envelope: 1\nKind: report\nContent-Type: text/plain; charset=utf-8\nContent-Length: 50\n\nx'],
    ['a repeated field', 'Relais-Envelope: 1\nKind: report\nKind: report\nContent-Type: text/plain; charset=utf-8\nContent-Length: 1\n\nx'],
    ['a negative length', 'Relais-Envelope: 1\nKind: report\nContent-Type: text/plain; charset=utf-8\nContent-Length: -1\n\nx'],
  ])('refuses an envelope with %s', (_, text) => {
    expect(() => decodeEnvelope(utf8(text))).toThrow(EnvelopeError);
  });
});
