// The resident's crypto worker (DESIGN promises 1, 3, 4 and 5): cleans attachments of their
// metadata (attachments-worker.ts), seals reports and messages with OpenPGP.js, makes the receipt
// and the reply key, solves proofs of work and decrypts replies, off
// the page's main thread so that a cheap phone stays responsive. The reply key's passphrase and
// the unlocked private key live only here, in memory, and are dropped on "forget".

import * as openpgp from 'openpgp';
import { sealReport, type ReportInput } from '../../src/client/submit.ts';
import { toBase64Url } from '../../src/core/bytes.ts';
import { solveChallenge } from '../../src/core/pow.ts';
import { deriveReceiptSecrets } from '../../src/core/receipt.ts';
import { openSealedPart, readPublicKeys, sealEnvelope } from '../../src/core/seal.ts';
import type { PublicConfig } from '../../src/server/public-config.ts';
import { cleanAttachment, cleanedAttachments, dropAttachments, prepareAttachments } from './attachments-worker.ts';
import { IntegrityError } from './checked-load.ts';

let passphrase: string | null = null;
let replyKey: openpgp.PrivateKey | null = null;

type Post = (message: unknown, transfer?: Transferable[]) => void;
const post: Post = (message, transfer = []) =>
  (self as unknown as { postMessage: (m: unknown, t: Transferable[]) => void }).postMessage(message, transfer);

const ops: Record<
  string,
  // biome-ignore lint/suspicious/noExplicitAny: each operation below declares the type of its own arguments
  (args: any, progress: (stage: string, done: number, total: number) => void) => Promise<{ result: unknown; transfer?: Transferable[] }>
> = {
  /** `attachments`: numbers of files cleaned by cleanAttachment, sealed each as its own part. */
  async sealReport({ config, input, attachments = [] }: { config: PublicConfig; input: ReportInput; attachments?: number[] }, progress) {
    const { report, receipt } = await sealReport(
      config,
      { ...input, attachments: cleanedAttachments(attachments) },
      { onProgress: progress },
    );
    return { result: { report, receipt } };
  },
  async cleanAttachment(args: Parameters<typeof cleanAttachment>[0]) {
    return { result: await cleanAttachment(args) };
  },
  async prepareAttachments() {
    await prepareAttachments();
    return { result: true };
  },
  async dropAttachments({ ids }: { ids?: number[] }) {
    dropAttachments(ids);
    return { result: true };
  },
  async solve({ challenge }: { challenge: string }, progress) {
    return { result: solveChallenge(challenge, (tried, expected) => progress('pow', tried, expected)) };
  },
  async deriveReceipt({ receipt }: { receipt: string }) {
    const secrets = deriveReceiptSecrets(receipt);
    passphrase = secrets.passphrase;
    return { result: toBase64Url(secrets.lookupKey) };
  },
  async unlock({ lockedKey }: { lockedKey: string }) {
    if (!passphrase) throw new Error('no receipt');
    replyKey = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: lockedKey }), passphrase });
    return { result: true };
  },
  async decrypt({ bytes }: { bytes: Uint8Array }) {
    if (!replyKey) throw new Error('locked');
    const envelope = await openSealedPart(bytes, replyKey);
    return { result: envelope };
  },
  async sealMessage({ keys, text }: { keys: string[]; text: string }) {
    const sealed = await sealEnvelope(
      { kind: 'message', contentType: 'text/plain; charset=utf-8', content: new TextEncoder().encode(text) },
      await readPublicKeys(keys),
    );
    return { result: sealed };
  },
  async forget() {
    passphrase = null;
    replyKey = null;
    return { result: true };
  },
};

self.onmessage = async (e: MessageEvent<{ id: number; op: string; args: unknown }>) => {
  const { id, op, args } = e.data;
  const handler = ops[op];
  if (!handler) return post({ id, error: 'unknown operation' });
  try {
    const { result, transfer } = await handler(args, (stage, done, total) => post({ id, progress: [stage, done, total] }));
    post({ id, result }, transfer ?? []);
  } catch (err) {
    // A file that failed its integrity check is said so (checked-load.ts), not as a plain failure.
    post({ id, error: err instanceof Error ? err.message : 'failed', ...(err instanceof IntegrityError ? { integrity: true } : {}) });
  }
};
