// Offline verification of a case export (issue 15 §2; DESIGN promise 7): what a court or an
// auditor runs with their own copy of the log's public key, without the officer's private key
// and without the server. It checks, and fails naming the first problem:
//   - the folder holds exactly the files the manifest lists, each with its SHA-256;
//   - the checkpoint is signed by the log key (and cosigned, C2SP cosignature/v1, by every
//     cosigner key given), for the log's
//     origin, and the report.received entry is included in it (RFC 9162, C2SP tlog-proof);
//   - that entry is this report's, with its category and bucket, and carries the SHA-256 of
//     each sealed part: the exported sealed parts are exactly those the server logged — or, for a
//     part whose key packets a later `relais grant` replaced, its encrypted packet is exactly the
//     one logged (the entry's `encrypted` hashes; older entries have none, and such a part fails);
//   - each session key decrypts its sealed part (the MDC checks every byte) into the exported
//     content, kind and type;
//   - the manifest, the summary and the notice are byte for byte what these contents make.

import { sha256 } from '@noble/hashes/sha2.js';
import * as openpgp from 'openpgp';
import { toHex } from './bytes.ts';
import {
  type CaseManifest,
  ENTRY,
  EXPORT_FORMAT,
  type ExportedItem,
  MANIFEST,
  manifestBytes,
  NOTICE,
  noticeText,
  PROOF,
  SUMMARY,
  summaryHtml,
} from './case-files.ts';
import { decodeEnvelope } from './envelope.ts';
import { inspectSealedPart } from './openpgp-packets.ts';
import { parseSessionKey } from './session-key.ts';
import {
  defaultTreeHasher,
  openCheckpoint,
  parseCosignerVerifier,
  parseVerifierKey,
  verifyCosignature,
  verifyInclusion,
} from './tlog/index.ts';
import { parseTlogProof } from './tlog-proof.ts';
import { encryptedDigest } from './witness-seal.ts';

export class ExportInvalid extends Error {}

export interface VerifiedExport {
  ref: string;
  parts: number;
  messages: number;
  logIndex: number;
  treeSize: number;
  cosigners: string[];
  /** parts whose key packets a later `relais grant` replaced: their encrypted packet is the logged one */
  regranted: number[];
}

const fail = (message: string): never => {
  throw new ExportInvalid(message);
};

export async function verifyCaseExport(
  files: Map<string, Uint8Array>,
  trust: { logVerifierKey: string; cosignerKeys?: string[] },
): Promise<VerifiedExport> {
  const manifestFile = files.get(MANIFEST) ?? fail(`${MANIFEST} is missing`);
  let m: CaseManifest;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestFile)) as CaseManifest;
  } catch {
    return fail(`${MANIFEST} is not JSON`);
  }
  if (m.format !== EXPORT_FORMAT) fail(`${MANIFEST} is not a ${EXPORT_FORMAT} manifest`);
  if (!equal(manifestBytes(m), manifestFile)) fail(`${MANIFEST} has been changed (it is not in its canonical form)`);

  // 1. exactly the listed files, each with its hash
  for (const name of files.keys()) if (name !== MANIFEST && !(name in m.files)) fail(`${name} is not listed in the manifest`);
  for (const [name, hash] of Object.entries(m.files)) {
    const bytes = files.get(name) ?? fail(`${name} is missing`);
    if (toHex(sha256(bytes)) !== hash) fail(`${name} has been changed (its SHA-256 differs from the manifest's)`);
  }

  // 2. the checkpoint, its signatures, and the entry's inclusion
  const logVerifier = parseVerifierKey(trust.logVerifierKey.trim());
  const cosigners = (trust.cosignerKeys ?? []).map((k) => parseCosignerVerifier(k.trim()));
  const proof = parseTlogProof(new TextDecoder().decode(files.get(PROOF)));
  let opened: ReturnType<typeof openCheckpoint>;
  try {
    opened = openCheckpoint(proof.checkpoint, { origin: m.logOrigin, logVerifier });
  } catch (e) {
    return fail(`the checkpoint does not verify with this log key: ${(e as Error).message}`);
  }
  // Each given cosigner (C2SP tlog-cosignature, cosignature/v1) must have cosigned this checkpoint.
  for (const c of cosigners)
    if (!opened.note.unverifiedSignatures.some((s) => verifyCosignature(c, opened.note.text, s) !== null))
      fail(`the checkpoint is not cosigned by ${c.name}`);
  const entry = files.get(ENTRY) as Uint8Array;
  const included = verifyInclusion({
    leafIndex: proof.index,
    treeSize: opened.checkpoint.size,
    leafHash: defaultTreeHasher.hashLeaf(entry),
    proof: proof.proof,
    rootHash: opened.checkpoint.rootHash,
  });
  if (!included) fail('the report.received entry is not in the signed tree at that index');

  // 3. the entry is this report's and names exactly these sealed parts
  // The entry is signed, but by the server: read it as untrusted JSON.
  let logged: {
    action?: unknown;
    report?: unknown;
    bucket?: unknown;
    details?: { category?: unknown; parts?: unknown; encrypted?: unknown };
  };
  try {
    logged = JSON.parse(new TextDecoder().decode(entry)) ?? {};
  } catch {
    return fail('the logged entry is not JSON');
  }
  if (typeof logged !== 'object' || (logged.details !== undefined && (typeof logged.details !== 'object' || logged.details === null)))
    fail('the logged entry is not a receipt');
  if (logged.action !== 'report.received' || logged.report !== m.ref) fail('the logged entry is not the receipt of this report');
  if (logged.details?.category !== m.category) fail('the logged category differs from the export’s');
  if (logged.bucket !== new Date(m.receivedBucket * 1000).toISOString().replace('.000Z', 'Z'))
    fail('the logged bucket differs from the export’s');
  const loggedParts = logged.details?.parts;
  if (!isStrings(loggedParts)) return fail('the logged entry carries no part hashes');
  const loggedEncrypted = logged.details?.encrypted;
  if (loggedEncrypted !== undefined && !isStrings(loggedEncrypted)) fail('the logged entry’s encrypted-packet hashes are not a list');
  const regranted = checkLoggedParts(m, files, loggedParts, loggedEncrypted as string[] | undefined);

  // 4. each sealed file, decrypted with its session key, gives the exported content
  for (const item of [...m.parts, ...m.messages]) await checkDecryption(item, files);

  // 5. the summary and the notice are what these contents make
  if (!equal(new TextEncoder().encode(summaryHtml(m, files)), files.get(SUMMARY) as Uint8Array))
    fail(`${SUMMARY} does not match the contents`);
  if (!equal(new TextEncoder().encode(noticeText(m)), files.get(NOTICE) as Uint8Array)) fail(`${NOTICE} does not match the manifest`);

  return {
    ref: m.ref,
    parts: m.parts.length,
    messages: m.messages.length,
    logIndex: proof.index,
    treeSize: opened.checkpoint.size,
    cosigners: cosigners.map((c) => c.name),
    regranted,
  };
}

/**
 * Step 3's part check. A part is the one the server logged when its whole bytes have the logged
 * SHA-256, or — for a receipt that carries `encrypted` — when it is exactly key packets followed
 * by an encrypted packet whose SHA-256 is the logged one: a `relais grant` replaced its key
 * packets after receipt. Key packets only wrap the session key; the content is fixed by the
 * encrypted packet (SEIPD, whose MDC covers every byte) and the exported session key, which step
 * 4 checks opens it. Returns the indexes of the parts accepted the second way.
 */
function checkLoggedParts(m: CaseManifest, files: Map<string, Uint8Array>, loggedParts: string[], loggedEncrypted?: string[]): number[] {
  const exported = new Map<number, { sha256: string; sealed?: string }>([
    ...m.parts.map((p): [number, { sha256: string; sealed?: string }] => [p.idx, p]),
    ...m.withheld.map((w): [number, { sha256: string }] => [w.idx, w]),
  ]);
  if (exported.size !== loggedParts.length) fail('the export does not account for every part the server logged');
  if (loggedEncrypted !== undefined && loggedEncrypted.length !== loggedParts.length)
    fail('the logged entry’s encrypted-packet hashes do not match its part hashes');
  const regranted: number[] = [];
  loggedParts.forEach((hash, idx) => {
    const part = exported.get(idx);
    if (part?.sha256 === hash) return;
    const sealed = part?.sealed === undefined ? undefined : files.get(part.sealed);
    if (!sealed) return fail(`part ${idx} is not the sealed part the server logged`);
    if (loggedEncrypted === undefined)
      return fail(
        `part ${idx} is not the sealed part the server logged; if a later \`relais grant\` replaced its key packets, this receipt is too old to prove it (it carries no encrypted-packet hashes): an export made before that grant can`,
      );
    let digest = '';
    try {
      inspectSealedPart(sealed);
      digest = encryptedDigest(sealed);
    } catch {
      // not key packets then one encrypted packet: cannot be the logged part with new key packets
    }
    if (digest === '' || digest !== loggedEncrypted[idx])
      fail(`part ${idx} is not the sealed part the server logged: its encrypted packet differs from the one logged at receipt`);
    regranted.push(idx);
  });
  return regranted;
}

async function checkDecryption(item: ExportedItem, files: Map<string, Uint8Array>): Promise<void> {
  const sealed = files.get(item.sealed) as Uint8Array;
  if (toHex(sha256(sealed)) !== item.sha256) fail(`${item.sealed} is not the sealed part the manifest names`);
  const key = parseSessionKey(new TextDecoder().decode(files.get(item.sessionKey)));
  if (!key) return fail(`${item.sessionKey} is not a session key`);
  let plain: Uint8Array;
  try {
    const message = await openpgp.readMessage({ binaryMessage: sealed });
    const { data } = await openpgp.decrypt({ message, sessionKeys: key, format: 'binary' });
    plain = data as Uint8Array;
  } catch {
    return fail(`${item.sessionKey} does not decrypt ${item.sealed}`);
  }
  const envelope = decodeEnvelope(plain);
  if (envelope.kind !== item.kind || envelope.contentType !== item.contentType) fail(`${item.sealed} is not of the kind the manifest says`);
  if (!equal(envelope.content, files.get(item.content) as Uint8Array)) fail(`${item.content} is not what ${item.sealed} decrypts to`);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
