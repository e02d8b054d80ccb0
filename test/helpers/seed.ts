// Many reports for casework tests (issue 15: "tested with 500 reports"): real sealed parts,
// sealed with OpenPGP.js to exactly the members a category routes to, stored through the
// server's own store in its received bucket (the path the intake takes after its checks, without
// paying a proof of work 500 times), then logged by a real maintenance run.

import { keysFor } from '../../src/client/submit.ts';
import { sealEnvelope } from '../../src/core/seal.ts';
import type { RunningServer } from '../../src/node.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';

export interface Seeded {
  ref: string;
  text: string;
  receivedBucket: number;
}

export async function seedReports(
  server: RunningServer,
  count: number,
  options: { category?: string; firstBucket: number; text?: (i: number) => string },
): Promise<Seeded[]> {
  const { relais } = server;
  const category = options.category ?? 'armes';
  const routing = relais.config.routing.get(category);
  const cat = relais.publicConfig.categories.find((c) => c.id === category);
  if (!routing || !cat) throw new Error(`no category ${category}`);
  const keys = await keysFor(relais.publicConfig, cat.sealTo);
  const out: Seeded[] = [];
  for (let i = 0; i < count; i++) {
    const text = options.text?.(i) ?? `Signalement de test numéro ${i}`;
    const receivedBucket = options.firstBucket + 3600 * (i % 72);
    const sealed = await sealEnvelope(
      { kind: 'report', contentType: 'text/plain; charset=utf-8', content: new TextEncoder().encode(text) },
      keys,
    );
    const outcome = await relais.store.reports.insert({
      category,
      receivedBucket,
      configHash: relais.config.hash,
      routes: routing.main.inboxes.map((inboxId) => ({ inboxId, audience: 'main' as const })),
      parts: [{ role: 'report', bytes: sealed }],
      spentChallenge: { nonce: `seed-${crypto.randomUUID()}`, expires: receivedBucket + 7200 },
    });
    if (!outcome.ok) throw new Error('seed failed');
    out.push({ ref: outcome.ref, text, receivedBucket });
  }
  await runMaintenance(relais);
  return out;
}
