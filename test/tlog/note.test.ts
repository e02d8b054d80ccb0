// C2SP signed notes with Ed25519: Go's and C2SP's published keys and notes, round trips, and
// strict refusal of everything malformed.
import { describe, expect, test } from 'vitest';
import { NoteError, type NoteErrorCode } from '../../src/core/tlog/errors.ts';
import {
  encodeSignerKey,
  encodeVerifierKey,
  generateSignerKey,
  isValidKeyName,
  noteKeyId,
  parseSignerKey,
  parseVerifierKey,
} from '../../src/core/tlog/note-keys.ts';
import { MAX_NOTE_BYTES, openNote, signNote } from '../../src/core/tlog/note.ts';
import { fromB64, toB64, utf8 } from './helpers.ts';

// golang.org/x/mod/sumdb/note: the package documentation (note.go), note_test.go and
// example_test.go (golang/mod commit fe2ec04f). EnochRoot's key is the one GenerateKey makes
// from an all-zero random source in ExampleSign_add_signatures.
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

// c2sp.org/signed-note, "Verifier keys" example (C2SP/C2SP signed-note.md, commit 5ba5ee83).
const C2SP_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const C2SP_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

function expectNoteError(run: () => unknown, code: NoteErrorCode): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected NoteError ${code}`).toBeInstanceOf(NoteError);
  expect((thrown as NoteError).code).toBe(code);
}

describe('published keys and notes', () => {
  test("Go's PeterNeumann signer key signs the documented note byte for byte", () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect(signer.name).toBe('PeterNeumann');
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(signer.verifierKey).toBe(PETER_VKEY);
    expect(signNote(TEXT, [signer])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  test("Go's PeterNeumann note opens with its verifier key and reports the signature", () => {
    const note = openNote(`${TEXT}\n${PETER_SIG}`, [peter]);
    expect(note.text).toBe(TEXT);
    expect(note.signatures).toEqual([{ name: 'PeterNeumann', keyId: 0xc74f20a3, base64: PETER_SIG.slice(15, -1) }]);
    expect(note.unverifiedSignatures).toEqual([]);
  });

  test("the all-zero seed gives Go's EnochRoot key, and cosigning gives Go's doubly signed note", () => {
    const enochSigner = parseSignerKey(encodeSignerKey('EnochRoot', new Uint8Array(32)));
    expect(enochSigner.verifierKey).toBe(ENOCH_VKEY);
    const opened = openNote(`${TEXT}\n${PETER_SIG}`, [peter]);
    expect(signNote(opened.text, [enochSigner], opened.signatures)).toBe(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
  });

  test('with one of two keys known, one signature is verified and the other kept unverified', () => {
    const note = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter]);
    expect(note.signatures.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(note.unverifiedSignatures).toEqual([{ name: 'EnochRoot', keyId: 0xaf0cfe78, base64: ENOCH_SIG.slice(12, -1) }]);
    const both = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [enoch, peter]);
    expect(both.signatures.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
  });

  test("C2SP's example verifier key verifies C2SP's example note", () => {
    const verifier = parseVerifierKey(C2SP_VKEY);
    expect(verifier.keyId).toBe(0x530d903a);
    expect(openNote(C2SP_NOTE, [verifier]).text).toBe('This is an example message.\n');
  });

  test('signing over an existing signature by the same key replaces it', () => {
    const signer = parseSignerKey(PETER_SKEY);
    const stale = { name: 'PeterNeumann', keyId: 0xc74f20a3, base64: toB64(Uint8Array.from([0xc7, 0x4f, 0x20, 0xa3, 1, 2, 3])) };
    expect(signNote(TEXT, [signer], [stale])).toBe(`${TEXT}\n${PETER_SIG}`);
  });
});

describe('key strings', () => {
  test("every truncation and every single-byte change of Go's verifier key is refused", () => {
    const bytes = utf8(PETER_VKEY);
    const decoder = new TextDecoder();
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i + 1; j <= bytes.length; j++) {
        if (i === 0 && j === bytes.length) continue;
        expectNoteError(() => parseVerifierKey(decoder.decode(bytes.subarray(i, j))), 'malformed-key');
      }
    }
    for (let i = 0; i < bytes.length; i++) {
      const changed = Uint8Array.from(bytes);
      changed[i]! += 1;
      expectNoteError(() => parseVerifierKey(decoder.decode(changed)), 'malformed-key');
    }
    // From note_test.go: a key of the wrong length and an unknown algorithm, each with a key
    // hash recomputed to match, so only the key material check can refuse them.
    expectNoteError(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='), 'malformed-key');
    expectNoteError(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), 'malformed-key');
  });

  test("every truncation and every single-byte change of Go's signer key is refused", () => {
    const bytes = utf8(PETER_SKEY);
    const decoder = new TextDecoder();
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i + 1; j <= bytes.length; j++) {
        if (i === 0 && j === bytes.length) continue;
        expectNoteError(() => parseSignerKey(decoder.decode(bytes.subarray(i, j))), 'malformed-key');
      }
    }
    for (let i = 0; i < bytes.length; i++) {
      const changed = Uint8Array.from(bytes);
      changed[i]! += 1;
      expectNoteError(() => parseSignerKey(decoder.decode(changed)), 'malformed-key');
    }
  });

  test('an uppercase key ID and a key that is not an Ed25519 point are refused', () => {
    expectNoteError(() => parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'C74F20A3')), 'malformed-key');
    // y = 2 is not the y-coordinate of any curve point; its key ID is computed to match.
    const notAPoint = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 2 : 0));
    const vkey = `bad+${noteKeyId('bad', notAPoint).toString(16).padStart(8, '0')}+${toB64(Uint8Array.of(1, ...notAPoint))}`;
    expectNoteError(() => parseVerifierKey(vkey), 'malformed-key');
  });

  test('key names with spaces, plus signs or control characters are invalid', () => {
    for (const name of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u2028b', 'a\u0001b', 'a\u007fb', 'a\ud800b']) {
      expect(isValidKeyName(name), JSON.stringify(name)).toBe(false);
      expectNoteError(() => generateSignerKey(name), 'malformed-key');
    }
    for (const name of ['relais.example/audit-log', 'PeterNeumann', 'café.example/journal']) {
      expect(isValidKeyName(name)).toBe(true);
    }
  });

  test('generated keys are random, parse back, and sign notes their verifier key opens', () => {
    const a = generateSignerKey('relais.example/audit-log');
    const b = generateSignerKey('relais.example/audit-log');
    expect(a.signerKey).not.toBe(b.signerKey);
    expect(a.verifierKey).toMatch(/^relais\.example\/audit-log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(a.signerKey).toMatch(/^PRIVATE\+KEY\+relais\.example\/audit-log\+[0-9a-f]{8}\+/);
    const signer = parseSignerKey(a.signerKey);
    const verifier = parseVerifierKey(a.verifierKey);
    expect(signer.verifierKey).toBe(a.verifierKey);
    const note = signNote('staff action\n', [signer]);
    expect(openNote(note, [verifier]).text).toBe('staff action\n');
    expectNoteError(() => openNote(note, [parseVerifierKey(b.verifierKey)]), 'unverified-note');
  });

  test('encodeVerifierKey gives the same string as the signer key derives', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
    const signer = parseSignerKey(encodeSignerKey('k.example', seed));
    // The key material follows the second '+' (base64 may itself contain '+').
    const pub = fromB64(signer.verifierKey.split('+').slice(2).join('+')).subarray(1);
    expect(encodeVerifierKey('k.example', pub)).toBe(signer.verifierKey);
    expectNoteError(() => encodeSignerKey('k.example', seed.subarray(1)), 'malformed-key');
  });
});

describe('opening notes strictly', () => {
  const good = `${TEXT}\n${PETER_SIG}`;

  test('a note signed only by unknown keys is refused', () => {
    expectNoteError(() => openNote(good, []), 'unverified-note');
    expectNoteError(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [peter]), 'unverified-note');
    // Same name, other key ID (and same key ID, other name): unknown keys, not failures.
    const otherId = PETER_SIG.replace('x08go', 'x08gp');
    expectNoteError(() => openNote(`${TEXT}\n${otherId}`, [peter]), 'unverified-note');
    expectNoteError(() => openNote(`${TEXT}\n${PETER_SIG.replace('PeterNeumann', 'PeterNeuman')}`, [peter]), 'unverified-note');
  });

  test('a changed text or signature by a known key refuses the whole note', () => {
    expectNoteError(() => openNote(good.replace('cryptography', 'Cryptography'), [peter]), 'invalid-signature');
    expectNoteError(() => openNote(`${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`, [peter]), 'invalid-signature');
    // Valid with Enoch known, but Peter's line is corrupted: refused although Enoch verifies.
    const corrupted = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}${ENOCH_SIG}`;
    expectNoteError(() => openNote(corrupted, [peter, enoch]), 'invalid-signature');
    // A known key's signature of the wrong length.
    const short = toB64(Uint8Array.from([0xc7, 0x4f, 0x20, 0xa3, ...new Uint8Array(63)]));
    expectNoteError(() => openNote(`${TEXT}\n— PeterNeumann ${short}\n`, [peter]), 'invalid-signature');
  });

  test('duplicate signature lines are refused, even identical ones', () => {
    expectNoteError(() => openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}`, [peter]), 'malformed-note');
    expectNoteError(() => openNote(`${TEXT}\n${ENOCH_SIG}${PETER_SIG}${ENOCH_SIG}`, [peter]), 'malformed-note');
  });

  test('two verifiers for one name and key ID are refused as ambiguous', () => {
    expectNoteError(() => openNote(good, [peter, parseVerifierKey(PETER_VKEY)]), 'ambiguous-key');
  });

  test("Go's malformed notes and other bad formats are refused", () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.replace('—', '-')}`,
      `${TEXT}\n${PETER_SIG.replace('— ', '—')}`,
      `${TEXT}\n${PETER_SIG.replace('— ', '—  ')}`,
      `${TEXT}\n${PETER_SIG.replace(' x08go', '  x08go')}`,
      `${TEXT}\n${PETER_SIG.replace('=\n', '\n')}`,
      `${TEXT}\n${PETER_SIG.replace('=\n', '= \n')}`,
      `${TEXT}\n${PETER_SIG}\n`,
      `${TEXT}\n— PeterNeumann ${toB64(Uint8Array.of(0xc7, 0x4f, 0x20, 0xa3))}\n`,
      `${TEXT}\n— PeterNeumann \n`,
      `${TEXT}\n— a+b ${PETER_SIG.slice(15)}`,
      `${TEXT.replace('\n', '\r\n')}\n${PETER_SIG}`,
      `${TEXT.replace(' ', '\t')}\n${PETER_SIG}`,
      `${TEXT}\n${PETER_SIG}`.replace(/\n/g, '\r\n'),
    ];
    for (const message of bad) expectNoteError(() => openNote(message, [peter]), 'malformed-note');
  });

  test('base64 with non-zero padding bits is refused although it decodes to the same bytes', () => {
    // The last character "M" of the signature carries 4 unused bits: "N" sets one of them.
    const noncanonical = PETER_SIG.replace('AM=\n', 'AN=\n');
    expect(fromB64(noncanonical.slice(15, -1))).toEqual(fromB64(PETER_SIG.slice(15, -1)));
    expectNoteError(() => openNote(`${TEXT}\n${noncanonical}`, [peter]), 'malformed-note');
  });

  test('bytes that are not UTF-8 and strings with lone surrogates are refused', () => {
    const bytes = utf8(good);
    expectNoteError(() => openNote(Uint8Array.from([0xff, ...bytes]), [peter]), 'malformed-note');
    expectNoteError(() => openNote(Uint8Array.from([...bytes.subarray(0, 5), 0xc3, ...bytes.subarray(5)]), [peter]), 'malformed-note');
    expectNoteError(() => openNote(`\ud800${good}`, [peter]), 'malformed-note');
    expect(openNote(bytes, [peter]).text).toBe(TEXT);
  });

  test('oversized notes and too many signature lines are refused', () => {
    const filler = 'x'.repeat(MAX_NOTE_BYTES);
    expectNoteError(() => openNote(`${filler}\n\n${PETER_SIG}`, [peter]), 'malformed-note');
    const unknownLines = Array.from({ length: 100 }, (_, i) => `— witness${i}.example ${toB64(Uint8Array.of(0, 0, 0, i, 1, 2, 3))}\n`).join(
      '',
    );
    expectNoteError(() => openNote(`${TEXT}\n${PETER_SIG}${unknownLines}`, [peter]), 'malformed-note');
    // 99 unknown signatures plus the known one is within the limit.
    const fewer = `${unknownLines.split('\n').slice(0, 99).join('\n')}\n`;
    expect(openNote(`${TEXT}\n${PETER_SIG}${fewer}`, [peter]).unverifiedSignatures).toHaveLength(99);
  });

  test('the text is separated at the last blank line, so texts with blank lines round-trip', () => {
    const signer = parseSignerKey(PETER_SKEY);
    for (const text of ['\n', 'a\n\nb\n', 'a\n\n\n', 'x\n\n— not a signature\n']) {
      expect(openNote(signNote(text, [signer]), [peter]).text).toBe(text);
    }
  });
});

describe('signing notes', () => {
  const signer = parseSignerKey(PETER_SKEY);

  test('texts without a final newline or with control characters are refused', () => {
    expectNoteError(() => signNote('abc', [signer]), 'malformed-note');
    expectNoteError(() => signNote('', [signer]), 'malformed-note');
    expectNoteError(() => signNote('a\rb\n', [signer]), 'malformed-note');
    expectNoteError(() => signNote('a\ud800\n', [signer]), 'malformed-note');
  });

  test('a note needs a signature, and two signers with one key are refused', () => {
    expectNoteError(() => signNote(TEXT, []), 'malformed-note');
    expectNoteError(() => signNote(TEXT, [signer, parseSignerKey(PETER_SKEY)]), 'ambiguous-key');
  });

  test('a kept signature line that is malformed or mislabelled is refused', () => {
    expectNoteError(() => signNote(TEXT, [signer], [{ name: 'a+b', keyId: 1, base64: 'AAAAAQE=' }]), 'malformed-note');
    expectNoteError(() => signNote(TEXT, [signer], [{ name: 'w', keyId: 2, base64: 'AAAAAQE=' }]), 'malformed-note');
    expectNoteError(() => signNote(TEXT, [signer], [{ name: 'w', keyId: 1, base64: 'BADHASH=' }]), 'malformed-note');
  });

  test('a note too large to be opened is not produced', () => {
    expectNoteError(() => signNote(`${'x'.repeat(MAX_NOTE_BYTES)}\n`, [signer]), 'malformed-note');
  });
});
