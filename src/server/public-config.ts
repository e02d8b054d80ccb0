// What GET /api/v1/config tells a resident's browser (DESIGN "Flows: Tip"): the categories with
// their labels, for each one the fingerprints of the keys every part must be sealed to, the keys
// themselves, the inbox names that will read it (in each site language), the proof-of-work
// difficulty, the size limits and the config hash to send back. Member names and auditors are not
// in it. A category whose readers all have expired keys is `available: false`, with nobody to seal
// to (issue 14).

import { isAvailable, type ResolvedConfig } from '../config/resolve.ts';
import { inboxName } from '../config/translations.ts';

export interface PublicCategory {
  id: string;
  kind: 'tip' | 'witness';
  /** false while nobody who can read it has a usable key: residents see it as temporarily unavailable */
  available: boolean;
  labels: Record<string, string>;
  hints: Record<string, string>;
  /** fingerprints of the keys the report, attachments and messages are sealed to */
  sealTo: string[];
  /** names of the inboxes that read it, by site language */
  readBy: Record<string, string[]>;
  /** witness categories: fingerprints of the custodians the identity is sealed to */
  identitySealTo?: string[];
  /** witness categories: names of the custody inboxes, by site language */
  identityReadBy?: Record<string, string[]>;
}

export interface PublicConfig {
  hash: string;
  site: { name: string; languages: string[]; onion?: string };
  categories: PublicCategory[];
  keys: Record<string, string>;
  proofOfWork: { reportBits: number; lookupBits: number; ttlSeconds: number };
  limits: ResolvedConfig['config']['limits'];
  timeBucketSeconds: number;
}

export function publicConfig(resolved: ResolvedConfig): PublicConfig {
  const { config } = resolved;
  const keys: Record<string, string> = {};
  const inboxNames = (ids: string[]): Record<string, string[]> =>
    Object.fromEntries(
      config.site.languages.map((lang) => [
        lang,
        ids.map((id) => {
          const inbox = resolved.inboxes.get(id);
          return inbox ? inboxName(inbox, lang) : id;
        }),
      ]),
    );
  const categories = config.categories.map((c): PublicCategory => {
    const routing = resolved.routing.get(c.id);
    if (!routing) throw new Error(`no routing for ${c.id}`);
    for (const m of [...routing.main.members, ...(routing.identity?.members ?? [])]) keys[m.fingerprint] = m.armored;
    return {
      id: c.id,
      kind: c.kind,
      available: isAvailable(routing),
      labels: c.labels,
      hints: c.hints ?? {},
      sealTo: routing.main.members.map((m) => m.fingerprint),
      readBy: inboxNames(routing.main.inboxes),
      ...(routing.identity
        ? { identitySealTo: routing.identity.members.map((m) => m.fingerprint), identityReadBy: inboxNames(routing.identity.inboxes) }
        : {}),
    };
  });
  return {
    hash: resolved.hash,
    site: { name: config.site.name, languages: config.site.languages, ...(config.site.onion ? { onion: config.site.onion } : {}) },
    categories,
    keys,
    proofOfWork: {
      reportBits: config.proofOfWork.reportBits,
      lookupBits: config.proofOfWork.lookupBits,
      ttlSeconds: config.proofOfWork.ttlSeconds,
    },
    limits: config.limits,
    timeBucketSeconds: config.timeBucketSeconds,
  };
}
