// The plaintext inside every sealed part: a short header block, the content, then padding to the
// PADMÉ length (DESIGN promise 4). The header says what the part is and how long the content is,
// so padding can be removed after decryption; it is plain text so that an officer who decrypts a
// report with `gpg --decrypt` reads it directly. No header ever carries a file name, a time or
// anything typed by the resident: the content is the only free field.
//
//   Relais-Envelope: 1
//   Kind: report
//   Content-Type: text/plain; charset=utf-8
//   Content-Length: 123
//   <empty line>
//   <content bytes><spaces up to the padded length>

import { concatBytes, fromUtf8, utf8 } from './bytes.ts';
import { padmeLength } from './padme.ts';

export const PART_KINDS = ['report', 'attachment', 'identity', 'message', 'note', 'disclosure'] as const;
export type PartKind = (typeof PART_KINDS)[number];

/** Content types a part may declare: a closed list, so the header never carries free text. */
export const CONTENT_TYPES = [
  'text/plain; charset=utf-8',
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/octet-stream',
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** The file extension each content type is saved under (names are never the resident's). */
export const CONTENT_EXTENSIONS: Record<ContentType, string> = {
  'text/plain; charset=utf-8': 'txt',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/octet-stream': 'bin',
};

export interface Envelope {
  kind: PartKind;
  contentType: ContentType;
  content: Uint8Array;
}

const MAGIC = 'Relais-Envelope: 1';
const MAX_HEADER_BYTES = 512;
const PAD_BYTE = 0x20;

export function encodeEnvelope({ kind, contentType, content }: Envelope): Uint8Array {
  if (!PART_KINDS.includes(kind)) throw new Error('envelope: unknown kind');
  if (!CONTENT_TYPES.includes(contentType)) throw new Error('envelope: unknown content type');
  const header = utf8(`${MAGIC}\nKind: ${kind}\nContent-Type: ${contentType}\nContent-Length: ${content.length}\n\n`);
  const unpadded = header.length + content.length;
  const padding = new Uint8Array(padmeLength(unpadded) - unpadded).fill(PAD_BYTE);
  return concatBytes(header, content, padding);
}

export class EnvelopeError extends Error {}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  let end = -1;
  for (let i = 0; i + 1 < limit; i++) {
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0a) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new EnvelopeError('envelope: no header');
  let lines: string[];
  try {
    lines = fromUtf8(bytes.subarray(0, end)).split('\n');
  } catch {
    throw new EnvelopeError('envelope: header is not UTF-8');
  }
  if (lines[0] !== MAGIC) throw new EnvelopeError('envelope: not a Relais envelope');
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z-]+): (.+)$/.exec(line);
    if (!m || fields.has(m[1] as string)) throw new EnvelopeError('envelope: bad header line');
    fields.set(m[1] as string, m[2] as string);
  }
  const kind = fields.get('Kind') as PartKind;
  const contentType = fields.get('Content-Type') as ContentType;
  const lengthText = fields.get('Content-Length') ?? '';
  if (!PART_KINDS.includes(kind)) throw new EnvelopeError('envelope: unknown kind');
  if (!CONTENT_TYPES.includes(contentType)) throw new EnvelopeError('envelope: unknown content type');
  if (!/^(0|[1-9][0-9]{0,12})$/.test(lengthText)) throw new EnvelopeError('envelope: bad length');
  const start = end + 2;
  const length = Number(lengthText);
  if (start + length > bytes.length) throw new EnvelopeError('envelope: content is truncated');
  return { kind, contentType, content: bytes.slice(start, start + length) };
}
