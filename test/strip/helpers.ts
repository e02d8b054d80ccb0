// Shared helpers for the metadata stripper tests (DESIGN promise 3): running Debian's exiftool
// as an independent reader on files written to a temporary folder, and judging its output.
import { CORPUS_DIR } from '../helpers/corpus.ts';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.ts';

export const CORPUS = CORPUS_DIR;
export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
export const EXIFTOOL = '/usr/bin/exiftool';

export const tmp = tempDir('relais-strip-');
let counter = 0;

export function corpusFiles(): string[] {
  return readdirSync(CORPUS)
    .filter((f) => !f.endsWith('.md'))
    .sort();
}

export function readCorpus(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS, name)));
}

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** Writes bytes to a fresh temporary file and returns its path. */
export function writeTemp(bytes: Uint8Array, ext: string): string {
  const path = join(tmp, `f${++counter}.${ext}`);
  writeFileSync(path, bytes);
  return path;
}

export type Tags = Record<string, unknown>;

/**
 * `exiftool -a -G1:4 -j -ee -u` on bytes: every tag, embedded and unknown ones included, as a
 * "Group[:CopyN]:Tag" → value map (the copy number keeps repeated tags apart).
 */
export function exiftool(bytes: Uint8Array, ext: string): Tags {
  const path = writeTemp(bytes, ext);
  const out = execFileSync(EXIFTOOL, ['-a', '-G1:4', '-j', '-ee', '-u', path], { encoding: 'utf8' });
  const parsed = JSON.parse(out) as Tags[];
  return parsed[0] ?? {};
}

/**
 * Runs exiftool on a copy of a file after `args` edits (e.g. '-GPSLatitude=48.85'); returns the
 * edited bytes. -overwrite_original keeps the temporary folder tidy.
 */
export function exiftoolWrite(bytes: Uint8Array, ext: string, args: string[]): Uint8Array {
  const path = writeTemp(bytes, ext);
  execFileSync(EXIFTOOL, ['-q', '-overwrite_original', ...args, path], { encoding: 'utf8' });
  return new Uint8Array(readFileSync(path));
}

export function copyCorpusTo(name: string): string {
  const path = join(tmp, `c${++counter}-${name}`);
  copyFileSync(join(CORPUS, name), path);
  return path;
}

/** Groups whose every tag is identifying metadata. */
const FORBIDDEN_GROUP =
  /^(XMP|IPTC|Photoshop|ICC|GPS|ExifIFD|IFD1|InteropIFD|SubIFD|MakerNotes|Nikon|Canon|Apple|Olympus|Sony|Samsung|FujiFilm|Panasonic|Pentax|MPF|MPImage|FlashPix|QuickTime|Meta|Track|APP\d|PrintIM|JUMBF|C2PA|XML|Trailer|PreviewImage)/;
/** Tags that say who, where, when or with what, whatever their group. */
const FORBIDDEN_TAG =
  /GPS|Make$|Model|Serial|Author|Creator|Artist|Copyright|Owner|Date|Time|Software|Producer|Application|Company|Manager|Thumbnail|Preview|Comment|Title|Description|Keywords|Subject|Caption|By-?line|City|Country|Location|DocumentID|InstanceID|Profile|History|Lens|Camera|Rights|LastModifiedBy|Revision|HostComputer/i;
/** Tags that may stay in their group: structure and rendering only. */
const ALLOWED_IN_GROUP: Record<string, RegExp> = {
  IFD0: /^Orientation$/,
  Composite: /^(ImageSize|Megapixels)$/,
  PDF: /^(PDFVersion|Linearized|PageCount|EmbeddedImage(Filter|Width|Height|ColorSpace|BitsPerComponent)?)$/,
  ZIP: /^Zip(RequiredVersion|BitFlag|Compression|ModifyDate|CRC|CompressedSize|UncompressedSize|FileName)$/,
  JFIF: /^(JFIFVersion|ResolutionUnit|XResolution|YResolution)$/,
  Adobe: /^(DCTEncodeVersion|APP14Flags0|APP14Flags1|ColorTransform)$/,
  PNG: /^(ImageWidth|ImageHeight|BitDepth|ColorType|Compression|Filter|Interlace|Gamma|SRGBRendering|WhitePointX|WhitePointY|RedX|RedY|GreenX|GreenY|BlueX|BlueY|SignificantBits|Transparency|Palette|AnimationFrames|AnimationPlays)$/,
  RIFF: /^(WebP_Flags|ImageWidth|ImageHeight|AlphaPreprocessing|AlphaFiltering|AlphaCompression|VP8Version|HorizontalScale|VerticalScale|BackgroundColor|AnimationLoopCount|LosslessImage|Duration|FrameCount)$/,
};
const IGNORED_GROUPS = new Set(['ExifTool', 'System', 'File', 'SourceFile']);

/**
 * Every "Group:Tag" of exiftool's output that reveals something. File, System and ExifTool groups
 * describe the copy on disk (names and dates exiftool makes up) and are ignored; ZIP entry dates
 * are allowed only at the DOS epoch, which is what a cleaned document must carry.
 */
export function leaks(tags: Tags): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    const parts = key.split(':');
    const group = parts.length > 1 ? parts[0]! : 'SourceFile';
    const tag = parts[parts.length - 1]!;
    if (IGNORED_GROUPS.has(group)) continue;
    if (group === 'ZIP' && tag === 'ZipModifyDate' && value === '1980:01:01 00:00:00') continue;
    const allowed = ALLOWED_IN_GROUP[group];
    if (FORBIDDEN_GROUP.test(group) || !allowed || !allowed.test(tag) || FORBIDDEN_TAG.test(tag)) {
      if (group === 'IFD0' && tag === 'Orientation') continue;
      found.push(`${key}=${String(value).slice(0, 60)}`);
    }
  }
  return found;
}

/** ZIP entry names exiftool lists: a cleaned document must not hold metadata parts. */
export function zipNames(tags: Tags): string[] {
  return Object.entries(tags)
    .filter(([k]) => k.endsWith('ZipFileName'))
    .map(([, v]) => String(v));
}
