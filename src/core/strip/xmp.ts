// Looks inside an XMP packet (ISO 16684-1) only to tell the resident what kind of information it
// held (DESIGN promise 3). The packet itself is always dropped whole; this never decides what is
// kept. Works on UTF-8 and UTF-16 packets alike by ignoring zero bytes.
import type { RemovedCode } from './types.ts';

const MAX_SCAN = 1 << 20; // a megabyte of XMP is far more than any key we look for needs

const KEYS: ReadonlyArray<readonly [string, RemovedCode]> = [
  ['GPSLatitude', 'gps'],
  ['GPSLongitude', 'gps'],
  ['GPSAltitude', 'gps'],
  ['tiff:Make', 'camera'],
  ['tiff:Model', 'camera'],
  ['LensModel', 'camera'],
  ['aux:Lens', 'camera'],
  ['SerialNumber', 'serial'],
  ['dc:creator', 'author'],
  ['pdf:Author', 'author'],
  ['AuthorsPosition', 'author'],
  ['CaptionWriter', 'author'],
  ['dc:rights', 'author'],
  ['xmpRights:', 'author'],
  ['CreateDate', 'datetime'],
  ['ModifyDate', 'datetime'],
  ['MetadataDate', 'datetime'],
  ['DateCreated', 'datetime'],
  ['DateTimeOriginal', 'datetime'],
  ['CreationDate', 'datetime'],
  ['ModDate', 'datetime'],
  ['CreatorTool', 'software'],
  ['pdf:Producer', 'software'],
  ['softwareAgent', 'software'],
  ['DocumentID', 'document-id'],
  ['InstanceID', 'document-id'],
  ['dc:title', 'text'],
  ['dc:description', 'text'],
  ['dc:subject', 'text'],
];

/** Codes for an XMP packet: always 'xmp', plus the kinds of data recognised inside it. */
export function summariseXmp(packet: Uint8Array): Set<RemovedCode> {
  const found = new Set<RemovedCode>(['xmp']);
  const end = Math.min(packet.length, MAX_SCAN);
  const chars: string[] = [];
  let chunk = '';
  for (let i = 0; i < end; i++) {
    const c = packet[i] ?? 0;
    if (c === 0) continue;
    chunk += String.fromCharCode(c);
    if (chunk.length >= 4096) {
      chars.push(chunk);
      chunk = '';
    }
  }
  chars.push(chunk);
  const text = chars.join('');
  for (const [key, code] of KEYS) if (text.includes(key)) found.add(code);
  return found;
}
