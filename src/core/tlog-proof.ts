// C2SP tlog-proof (c2sp.org/tlog-proof@v1): an offline-verifiable proof that an entry is in a
// transparency log — the entry's index, its RFC 9162 inclusion proof (one base64 SHA-256 hash a
// line, from the leaf's sibling up), an empty line, then the log's checkpoint verbatim (a signed
// note, with any cosignatures). Used by case exports (issue 15 §2). Pure; no I/O.

import { base64Decode, base64Encode, type Hash } from './tlog/index.ts';

const HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  index: number;
  proof: Hash[];
  /** the signed note, verbatim */
  checkpoint: string;
  extra?: Uint8Array;
}

export function formatTlogProof(p: TlogProof): string {
  const lines = [HEADER];
  if (p.extra) lines.push(`extra ${base64Encode(p.extra)}`);
  lines.push(`index ${p.index}`, ...p.proof.map((h) => base64Encode(h)));
  return `${lines.join('\n')}\n\n${p.checkpoint}`;
}

export class TlogProofError extends Error {}

export function parseTlogProof(text: string): TlogProof {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new TlogProofError('not a tlog-proof: no empty line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  if (lines.shift() !== HEADER) throw new TlogProofError(`not a tlog-proof: the first line is not ${HEADER}`);
  let extra: Uint8Array | undefined;
  if (lines[0]?.startsWith('extra ')) {
    extra = base64Decode((lines.shift() as string).slice(6)) ?? undefined;
    if (!extra) throw new TlogProofError('not a tlog-proof: the extra line is not base64');
  }
  const m = /^index (0|[1-9][0-9]{0,15})$/.exec(lines.shift() ?? '');
  if (!m) throw new TlogProofError('not a tlog-proof: no valid index line');
  const proof = lines.map((l) => {
    const h = /^[A-Za-z0-9+/]{43}=$/.test(l) ? base64Decode(l) : null;
    if (h?.length !== 32) throw new TlogProofError('not a tlog-proof: a proof line is not a SHA-256 hash');
    return h;
  });
  return { index: Number(m[1]), proof, checkpoint: text.slice(split + 2), ...(extra ? { extra } : {}) };
}
