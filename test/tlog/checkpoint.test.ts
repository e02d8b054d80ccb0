// C2SP tlog-checkpoint: strict format and parse, and signed checkpoints of the expected log.
import { describe, expect, test } from 'vitest';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint, type Checkpoint } from '../../src/core/tlog/checkpoint.ts';
import { NoteError, type NoteErrorCode } from '../../src/core/tlog/errors.ts';
import { defaultTreeHasher } from '../../src/core/tlog/hasher.ts';
import { encodeSignerKey, parseSignerKey, parseVerifierKey } from '../../src/core/tlog/note-keys.ts';
import { signNote } from '../../src/core/tlog/note.ts';
import { toB64, utf8 } from './helpers.ts';

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

// Go's sumdb/tlog note_test.go TestFormatTree/TestParseTree (golang/mod commit fe2ec04f):
// the tree of 123456789012 records whose hash is RecordHash("hello world").
const GO_TREE_TEXT = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';
// c2sp.org/tlog-checkpoint's example body (C2SP/C2SP tlog-checkpoint.md, commit 5ba5ee83).
const C2SP_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

const ORIGIN = 'relais.example/audit-log';
const logSigner = parseSignerKey(
  encodeSignerKey(
    ORIGIN,
    Uint8Array.from({ length: 32 }, (_, i) => i + 1),
  ),
);
const logVerifier = parseVerifierKey(logSigner.verifierKey);
const witnessSigner = parseSignerKey(
  encodeSignerKey(
    'witness.example',
    Uint8Array.from({ length: 32 }, (_, i) => 200 - i),
  ),
);
const witnessVerifier = parseVerifierKey(witnessSigner.verifierKey);
const checkpoint: Checkpoint = { origin: ORIGIN, size: 4242, rootHash: defaultTreeHasher.hashLeaf(utf8('root')), extensions: [] };

describe('checkpoint text', () => {
  test("Go's formatted tree of 123456789012 records parses and formats back identically", () => {
    const parsed = parseCheckpoint(GO_TREE_TEXT);
    expect(parsed).toEqual({
      origin: 'go.sum database tree',
      size: 123456789012,
      rootHash: defaultTreeHasher.hashLeaf(utf8('hello world')),
      extensions: [],
    });
    expect(formatCheckpoint(parsed)).toBe(GO_TREE_TEXT);
  });

  test("C2SP's example checkpoint body parses and formats back identically", () => {
    const parsed = parseCheckpoint(C2SP_TEXT);
    expect(parsed.origin).toBe('example.com/behind-the-sofa');
    expect(parsed.size).toBe(20852163);
    expect(toB64(parsed.rootHash)).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(formatCheckpoint(parsed)).toBe(C2SP_TEXT);
  });

  test('extension lines and the empty and largest trees round-trip', () => {
    const variants: Checkpoint[] = [
      { ...checkpoint, extensions: ['ext one', 'ext-two'] },
      { ...checkpoint, size: 0, rootHash: defaultTreeHasher.emptyRoot() },
      { ...checkpoint, size: Number.MAX_SAFE_INTEGER },
    ];
    for (const cp of variants) expect(parseCheckpoint(formatCheckpoint(cp))).toEqual(cp);
  });

  test('malformed bodies are refused', () => {
    const root = 'TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=';
    const bad = [
      `go.sum database tree\n0xabcdef\n${root}\n`, // from Go's TestParseTree
      'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n', // from Go's TestParseTree
      `o\n12\n${root}`, // no final newline
      'o\n12\n',
      `\n12\n${root}\n`, // empty origin
      `o\n012\n${root}\n`, // leading zero
      `o\n-1\n${root}\n`,
      `o\n+1\n${root}\n`,
      `o\n1.0\n${root}\n`,
      `o\n 12\n${root}\n`,
      `o\n9007199254740992\n${root}\n`, // 2^53
      `o\n12\n${root.slice(0, -1)}\n`, // unpadded
      `o\n12\n${toB64(new Uint8Array(31))}\n`, // 31 bytes
      `o\n12\n${root}\n\n`, // empty extension line
      `o\n12\n${root}\next\n\n`,
      `o\r\n12\n${root}\n`,
    ];
    for (const text of bad) expectNoteError(() => parseCheckpoint(text), 'malformed-checkpoint');
  });

  test('formatting refuses a checkpoint that would not parse back', () => {
    expect(() => formatCheckpoint({ ...checkpoint, origin: '' })).toThrow(TypeError);
    expect(() => formatCheckpoint({ ...checkpoint, origin: 'a\nb' })).toThrow(TypeError);
    expect(() => formatCheckpoint({ ...checkpoint, size: -1 })).toThrow(TypeError);
    expect(() => formatCheckpoint({ ...checkpoint, size: 1.5 })).toThrow(TypeError);
    expect(() => formatCheckpoint({ ...checkpoint, rootHash: new Uint8Array(16) })).toThrow(TypeError);
    expect(() => formatCheckpoint({ ...checkpoint, extensions: [''] })).toThrow(TypeError);
    expect(() => formatCheckpoint({ ...checkpoint, extensions: ['a\nb'] })).toThrow(TypeError);
  });
});

describe('signed checkpoints', () => {
  test('a checkpoint signed by the log opens with the log key and the expected origin', () => {
    const signed = signCheckpoint(checkpoint, logSigner);
    expect(signed.startsWith(`${formatCheckpoint(checkpoint)}\n— relais.example/audit-log `)).toBe(true);
    const opened = openCheckpoint(signed, { origin: ORIGIN, logVerifier });
    expect(opened.checkpoint).toEqual(checkpoint);
    expect(opened.note.signatures).toHaveLength(1);
  });

  test('a witness cosignature is verified when its key is given and ignored when it is not', () => {
    const signed = signCheckpoint(checkpoint, [logSigner, witnessSigner]);
    expect(openCheckpoint(signed, { origin: ORIGIN, logVerifier }).note.unverifiedSignatures).toHaveLength(1);
    const withWitness = openCheckpoint(signed, { origin: ORIGIN, logVerifier, cosigners: [witnessVerifier] });
    expect(withWitness.note.signatures.map((s) => s.name)).toEqual([ORIGIN, 'witness.example']);
  });

  test('a checkpoint signed only by a cosigner is refused even though that signature verifies', () => {
    const signed = signCheckpoint(checkpoint, witnessSigner);
    expectNoteError(() => openCheckpoint(signed, { origin: ORIGIN, logVerifier, cosigners: [witnessVerifier] }), 'missing-log-signature');
    expectNoteError(() => openCheckpoint(signed, { origin: ORIGIN, logVerifier }), 'unverified-note');
  });

  test('a checkpoint of another log, a changed size or root, or a malformed body is refused', () => {
    const other = signCheckpoint({ ...checkpoint, origin: 'other.example/log' }, logSigner);
    expectNoteError(() => openCheckpoint(other, { origin: ORIGIN, logVerifier }), 'wrong-origin');
    const signed = signCheckpoint(checkpoint, logSigner);
    expectNoteError(() => openCheckpoint(signed.replace('\n4242\n', '\n4243\n'), { origin: ORIGIN, logVerifier }), 'invalid-signature');
    const rootB64 = toB64(checkpoint.rootHash);
    const otherRoot = toB64(defaultTreeHasher.hashLeaf(utf8('other root')));
    expectNoteError(() => openCheckpoint(signed.replace(rootB64, otherRoot), { origin: ORIGIN, logVerifier }), 'invalid-signature');
    const malformedBody = signNote(`${ORIGIN}\n0042\n${rootB64}\n`, [logSigner]);
    expectNoteError(() => openCheckpoint(malformedBody, { origin: ORIGIN, logVerifier }), 'malformed-checkpoint');
  });

  test('an unsigned checkpoint body is not a signed note and is refused', () => {
    expectNoteError(() => openCheckpoint(formatCheckpoint(checkpoint), { origin: ORIGIN, logVerifier }), 'malformed-note');
  });
});
