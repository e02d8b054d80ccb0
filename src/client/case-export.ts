// Assembling a case export on the officer's machine (issue 15 §2), shared by `relais export` and
// the console's button: the export is announced to the server (logged), then every part and
// message the officer may read is fetched sealed (each a logged read), its session key recovered
// with the officer's key, decrypted, and written beside the sealed bytes, with the logged
// report.received entry and its inclusion proof, the manifest, the French summary and the notice
// (src/core/case-files.ts). Returns the files by path; the caller writes a folder or a zip.

import { sha256 } from '@noble/hashes/sha2.js';
import * as openpgp from 'openpgp';
import { toHex } from '../core/bytes.ts';
import {
  type CaseManifest,
  ENTRY,
  EXPORT_FORMAT,
  type ExportedItem,
  type ExportedMessage,
  type ExportedPart,
  MANIFEST,
  manifestBytes,
  NOTICE,
  noticeText,
  PROOF,
  SUMMARY,
  summaryHtml,
} from '../core/case-files.ts';
import { CONTENT_EXTENSIONS, decodeEnvelope } from '../core/envelope.ts';
import { formatSessionKey } from '../core/session-key.ts';
import type { ApiClient } from './api.ts';
import { fetchSealedMessage, fetchSealedPart, getReport } from './staff.ts';

export interface ExportContext {
  api: ApiClient;
  key: openpgp.PrivateKey;
  member: { id: string; name: string };
  /** from the public config */
  categoryLabel: (id: string) => string;
  bucketSeconds: number;
  now: () => number;
}

export async function buildCaseExport(ctx: ExportContext, ref: string): Promise<Map<string, Uint8Array>> {
  const { api } = ctx;
  const path = `/api/v1/reports/${encodeURIComponent(ref)}`;
  // The proof first: without it there is no export, and nothing is fetched or logged.
  const proof = await api.json<{ index: number; entry: string; proof: string }>('GET', `${path}/proof`);
  await api.json('POST', `${path}/export`);
  const detail = await getReport(api, ref);
  const files = new Map<string, Uint8Array>();
  const text = (s: string) => new TextEncoder().encode(s);

  const take = async (sealed: Uint8Array, base: string): Promise<Omit<ExportedItem, 'idx'>> => {
    const message = await openpgp.readMessage({ binaryMessage: sealed });
    const [sessionKey] = await openpgp.decryptSessionKeys({ message, decryptionKeys: ctx.key });
    if (!sessionKey) throw new Error(`${base}: no session key for this key`);
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ binaryMessage: sealed }),
      sessionKeys: { data: sessionKey.data, algorithm: sessionKey.algorithm as 'aes256' },
      format: 'binary',
    });
    const envelope = decodeEnvelope(data as Uint8Array);
    const names = {
      sealed: `scelle/${base}.pgp`,
      sessionKey: `cles/${base}.cle`,
      content: `contenu/${base}-${envelope.kind}.${CONTENT_EXTENSIONS[envelope.contentType]}`,
    };
    files.set(names.sealed, sealed);
    files.set(names.sessionKey, text(`${formatSessionKey(sessionKey)}\n`));
    files.set(names.content, envelope.content);
    return { ...names, kind: envelope.kind, contentType: envelope.contentType, sha256: toHex(sha256(sealed)) };
  };

  const parts: ExportedPart[] = [];
  for (const p of detail.parts)
    parts.push({ idx: p.idx, role: p.role, ...(await take(await fetchSealedPart(api, ref, p.idx), `partie-${p.idx}`)) });
  const logged = (JSON.parse(proof.entry) as { details?: { parts?: string[] } }).details?.parts ?? [];
  const withheld = logged.flatMap((hash, idx) =>
    parts.some((p) => p.idx === idx) ? [] : [{ idx, role: 'identity' as const, sha256: hash }],
  );
  const messages: ExportedMessage[] = [];
  const statusChanges: CaseManifest['statusChanges'] = [];
  for (const m of detail.messages) {
    if (m.size === 0) {
      statusChanges.push({ idx: m.idx, memberId: m.memberId, status: m.status, at: m.at });
      continue;
    }
    const item = await take(await fetchSealedMessage(api, ref, m.idx), `message-${m.idx}`);
    messages.push({ idx: m.idx, author: m.author, memberId: m.memberId, at: m.at, ...item });
  }
  files.set(ENTRY, text(proof.entry));
  files.set(PROOF, text(proof.proof));

  const manifest: CaseManifest = {
    format: EXPORT_FORMAT,
    ref,
    witness: detail.witness,
    category: detail.category,
    categoryLabel: ctx.categoryLabel(detail.category),
    receivedBucket: detail.receivedBucket,
    bucketSeconds: ctx.bucketSeconds,
    status: detail.status,
    // the checkpoint's first line; the verifier checks it against the log key it trusts
    logOrigin: proof.proof.slice(proof.proof.indexOf('\n\n') + 2).split('\n')[0] as string,
    exportedBy: ctx.member,
    exportedAt: new Date(Math.floor(ctx.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    parts,
    withheld,
    messages,
    statusChanges,
    files: {},
  };
  files.set(SUMMARY, text(summaryHtml(manifest, files)));
  files.set(NOTICE, text(noticeText(manifest)));
  for (const [name, bytes] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) manifest.files[name] = toHex(sha256(bytes));
  files.set(MANIFEST, manifestBytes(manifest));
  return files;
}
