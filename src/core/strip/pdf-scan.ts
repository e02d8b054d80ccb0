// Counts the revisions of a PDF file (ISO 32000-1 §7.5.6: each incremental update appends a new
// cross-reference section and "startxref"), so the resident can be told that an editing history
// was removed (DESIGN promise 3). A linearized file (Annex F) has one extra, legitimate section.
import { latin1 } from './bytes.ts';

const STARTXREF = [0x73, 0x74, 0x61, 0x72, 0x74, 0x78, 0x72, 0x65, 0x66]; // "startxref"

export function countRevisions(bytes: Uint8Array): number {
  let count = 0;
  let at = bytes.indexOf(0x73);
  while (at >= 0 && at + STARTXREF.length <= bytes.length) {
    let match = true;
    for (let i = 1; i < STARTXREF.length; i++) {
      if (bytes[at + i] !== STARTXREF[i]) {
        match = false;
        break;
      }
    }
    if (match) count++;
    at = bytes.indexOf(0x73, at + 1);
  }
  const linearized = latin1(bytes, 0, 1024).includes('/Linearized');
  return linearized ? Math.max(count - 1, 1) : count;
}
