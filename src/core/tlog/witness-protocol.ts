// The C2SP tlog-witness HTTP protocol's bodies (tlog-witness.md, "add-checkpoint"), shared by the
// log (src/server/log-cosign.ts, the client) and `relais cosigner serve` (src/server/cosigner.ts):
//
//   POST <prefix>/add-checkpoint
//     old <size>\n                     previous size the witness cosigned (0 at first)
//     <base64 hash>\n …                consistency proof old → new, at most 63 lines
//     \n
//     <signed checkpoint note>
//
//   200 → one or more note signature lines ("— name base64\n"): the cosignatures
//   404 unknown log (origin) · 403 no trusted signature · 400 old > size or malformed
//   409 old is not the witness's latest size (body "<size>\n", Content-Type text/x.tlog.size),
//       or same size with another root · 422 the consistency proof does not verify
import { base64Decode, base64Encode } from './base64.ts';
import type { Hash } from './hasher.ts';

export const TLOG_SIZE_TYPE = 'text/x.tlog.size';
export const MAX_PROOF_LINES = 63;
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Hash[];
  /** the signed checkpoint note, as sent */
  note: string;
}

export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  const lines = [`old ${request.oldSize}`, ...request.proof.map(base64Encode)];
  return `${lines.join('\n')}\n\n${request.note}`;
}

/** Parses a request body; null if it is not of the spec's form (answer 400). */
export function parseAddCheckpoint(body: string): AddCheckpointRequest | null {
  const blank = body.indexOf('\n\n');
  if (blank < 0) return null;
  const [oldLine, ...proofLines] = body.slice(0, blank).split('\n');
  const m = /^old (\S+)$/.exec(oldLine ?? '');
  if (!m || !DECIMAL.test(m[1] as string) || !Number.isSafeInteger(Number(m[1]))) return null;
  if (proofLines.length > MAX_PROOF_LINES) return null;
  const proof: Hash[] = [];
  for (const line of proofLines) {
    const hash = base64Decode(line);
    if (hash?.length !== 32) return null;
    proof.push(hash);
  }
  return { oldSize: Number(m[1]), proof, note: body.slice(blank + 2) };
}

/** The size in a 409 answer's text/x.tlog.size body, or null. */
export function parseTlogSize(body: string): number | null {
  const m = /^(0|[1-9][0-9]{0,15})\n$/.exec(body);
  return m && Number.isSafeInteger(Number(m[1])) ? Number(m[1]) : null;
}
