// Member keys that expire while the server runs (issue 14, DESIGN "Flows: Members change"):
// intake never stops for one expired key. When the clock passes the moment some member's usable
// keys change (ResolvedConfig.nextChange), the config is resolved again from the texts it was
// read from, as of now: a member whose key expired drops out of the routing and of staff, the
// other members keep receiving, a category left with nobody to read it becomes unavailable
// (public config, API and pages say so), and the public config gets a new hash, which clients
// pick up through the stale_config retry.
//
// The swap is in memory and writes nothing, so it may happen during any request (resident
// requests included) without timing anything. The config.changed entry is written by the
// maintenance run (Node's timer, the Workers cron) with the time of the expiry itself
// (config-change.ts). Warnings about keys expiring within 30 days go to the server log at most
// once a day per process.

import { keyWarnings } from '../config/expiry.ts';
import { resolveAgain } from '../config/resolve.ts';
import type { Relais } from './context.ts';
import { publicConfig } from './public-config.ts';

const DAY_MS = 86_400_000;
/** After a failed resolution, how long before trying again. */
const RETRY_MS = 60_000;

const refreshing = new WeakMap<Relais, Promise<boolean>>();
const warnedDay = new WeakMap<Relais, number>();

/** Resolves the config again if a key changed since; true if the effective config changed. */
export function refreshIfDue(relais: Relais): Promise<boolean> {
  const due = relais.config.nextChange;
  if (due === null || relais.clock() < due) return Promise.resolve(false);
  let running = refreshing.get(relais);
  if (!running) {
    running = refresh(relais).finally(() => refreshing.delete(relais));
    refreshing.set(relais, running);
  }
  return running;
}

async function refresh(relais: Relais): Promise<boolean> {
  const before = relais.config;
  try {
    const next = await resolveAgain(before, new Date(relais.clock()));
    relais.config = next;
    relais.publicConfig = publicConfig(next);
    return next.hash !== before.hash;
  } catch (e) {
    // The texts did not change, so this should not happen; keep serving what was checked. This
    // may run while answering a resident: said in the bucket's summary, not at this moment.
    relais.requests.note(`key check failed: ${e instanceof Error ? e.name : 'error'}; keeping the current config`);
    before.nextChange = relais.clock() + RETRY_MS;
    return false;
  }
}

/** Logs keyWarnings at most once per UTC day of the server's clock. */
export function warnAboutKeysDaily(relais: Relais): void {
  const day = Math.floor(relais.clock() / DAY_MS);
  if (warnedDay.get(relais) === day) return;
  warnedDay.set(relais, day);
  for (const w of keyWarnings(relais.config, relais.clock())) relais.log(`warning: ${w.line}`);
}
