// The no-JavaScript path for a witness request (DESIGN promises 6 and 9): for a browser that cannot
// seal, the server seals the testimony to the testimony inboxes' members and the identity, apart,
// to the custodians only — the same keys a browser would use — at once and in memory; makes the
// receipt and the reply key; writes the report, its witness number and the spent form token in one
// batch. Nothing in clear is written anywhere (no log line, no table, no file).

import { FORM_MAX_AGE_MS } from '../core/form-token.ts';
import { lookupHash, newReceipt, deriveReceiptSecrets } from '../core/receipt.ts';
import { generateResidentKey } from '../core/resident-key.ts';
import { sealEnvelope } from '../core/seal.ts';
import { isAvailable } from '../config/resolve.ts';
import { bucketCeil, bucketStart, type Relais } from './context.ts';
import { witnessNumbering } from './witness-intake.ts';

const TEXT = 'text/plain; charset=utf-8' as const;

export async function fileWitnessOnServer(
  relais: Relais,
  input: { category: string; testimony: string; identity: string },
  form: { nonce: string; issued: number },
): Promise<{ ref: string; number: string; receipt: string } | { error: 'unknown_category' | 'form_token_spent' }> {
  const routing = relais.config.routing.get(input.category);
  const numbering = witnessNumbering(relais, input.category);
  if (!routing?.identity || !numbering) return { error: 'unknown_category' };
  // The page checked this first; a key may have expired in between.
  if (!isAvailable(routing)) return { error: 'unknown_category' };
  const testimony = await sealEnvelope(
    { kind: 'report', contentType: TEXT, content: new TextEncoder().encode(input.testimony) },
    routing.main.members.map((m) => m.key),
  );
  const identity = await sealEnvelope(
    { kind: 'identity', contentType: TEXT, content: new TextEncoder().encode(input.identity) },
    routing.identity.members.map((m) => m.key),
  );
  const receipt = newReceipt();
  const { lookupKey, passphrase } = deriveReceiptSecrets(receipt);
  const { publicKey, lockedKey } = await generateResidentKey(passphrase);
  const { timeBucketSeconds } = relais.config.config;
  const outcome = await relais.store.reports.insert(
    {
      category: input.category,
      receivedBucket: bucketStart(relais.clock(), timeBucketSeconds),
      configHash: relais.config.hash,
      routes: [
        ...routing.main.inboxes.map((inboxId) => ({ inboxId, audience: 'main' as const })),
        ...routing.identity.inboxes.map((inboxId) => ({ inboxId, audience: 'identity' as const })),
      ],
      parts: [
        { role: 'report', bytes: testimony },
        { role: 'identity', bytes: identity },
      ],
      spentChallenge: { nonce: `form:${form.nonce}`, expires: bucketCeil(form.issued + FORM_MAX_AGE_MS / 1000, timeBucketSeconds) },
      followUp: { lookupHash: lookupHash(lookupKey), publicKey, lockedKey },
    },
    numbering.extra,
  );
  return outcome.ok ? { ref: outcome.ref, number: numbering.number(), receipt } : { error: 'form_token_spent' };
}
