// What an operator must hear about member keys (issue 14): keys that stop being usable within 30
// days, members left out because their key expired, categories left with nobody who can read
// them. Pure; said by `relais config check`, `relais doctor`, the server's daily log line and the
// console's banner.

import { isAvailable, type ResolvedConfig, type ResolvedMember } from './resolve.ts';

export const EXPIRY_WARNING_DAYS = 30;
export const EXPIRY_WARNING_MS = EXPIRY_WARNING_DAYS * 86_400_000;

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Members whose key stops being usable before `now + withinMs` (and has not yet), soonest first. */
export function expiringMembers(resolved: ResolvedConfig, now: number, withinMs: number): ResolvedMember[] {
  return [...resolved.staff.values()]
    .filter((m) => m.expires && m.expires.getTime() - now < withinMs)
    .sort((a, b) => (a.expires as Date).getTime() - (b.expires as Date).getTime());
}

export interface KeyWarning {
  kind: 'expiring' | 'expired' | 'unavailable';
  line: string;
}

export function keyWarnings(resolved: ResolvedConfig, now: number): KeyWarning[] {
  const out: KeyWarning[] = [];
  for (const m of expiringMembers(resolved, now, EXPIRY_WARNING_MS)) {
    out.push({
      kind: 'expiring',
      line: `the key of ${m.id} expires on ${day(m.expires as Date)}; extend it (gpg --quick-set-expire) and update its file in keys/, or it drops out of the routing`,
    });
  }
  for (const x of resolved.excluded.values()) {
    out.push({ kind: 'expired', line: `${x.id} is left out of the routing: the key expired on ${day(x.since)}` });
  }
  for (const [id, routing] of resolved.routing) {
    if (!isAvailable(routing))
      out.push({ kind: 'unavailable', line: `category ${id} has nobody left who can read it: residents see it as unavailable` });
  }
  return out;
}
