// Logs config changes (DESIGN "Config", promise 8): when the server starts with a config whose
// hash differs from the last one it saw, it appends a config.changed entry with the membership
// diff (who joined or left which inbox, whose key changed, routing changes, auditors).
// A member whose key expired is out of their inboxes in the membership and listed under
// `excluded` with the day it expired (issue 14). A change made only of such exclusions is logged
// with `reason: "key-expired"` and the time of the expiry itself, never the time of whatever
// request or run noticed it, so the entry says nothing about when residents were active.

import type { JsonValue } from '../core/canonical-json.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import { auditEntryJson } from '../core/audit-entry.ts';
import type { Relais } from './context.ts';

type Membership = Record<string, Record<string, string>>;

/** inbox id (or "auditors", or "route:<category>") → member id (or inbox id) → key fingerprint (or audience) */
export function membershipOf(resolved: ResolvedConfig): Membership {
  const out: Membership = {};
  const usable = (members: { id: string }[]) =>
    Object.fromEntries(members.flatMap((m) => (resolved.staff.has(m.id) ? [[m.id, resolved.staff.get(m.id)?.fingerprint ?? '']] : [])));
  for (const inbox of resolved.config.inboxes) out[`inbox:${inbox.id}`] = usable(inbox.members);
  out.auditors = usable(resolved.config.auditors);
  if (resolved.config.analysts.length > 0) out.analysts = usable(resolved.config.analysts);
  if (resolved.excluded.size > 0)
    out.excluded = Object.fromEntries([...resolved.excluded.values()].map((x) => [x.id, `${x.reason} ${x.since.toISOString()}`]));
  for (const [id, routing] of resolved.routing) {
    out[`route:${id}`] = Object.fromEntries([
      ...routing.main.inboxes.map((i) => [i, 'main']),
      ...(routing.identity?.inboxes ?? []).map((i) => [i, 'identity']),
    ]);
  }
  return out;
}

export function membershipDiff(before: Membership, after: Membership): JsonValue[] {
  const changes: JsonValue[] = [];
  for (const group of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = before[group] ?? {};
    const b = after[group] ?? {};
    for (const id of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(id in a)) changes.push({ group, id, change: 'added', value: b[id] as string });
      else if (!(id in b)) changes.push({ group, id, change: 'removed', value: a[id] as string });
      else if (a[id] !== b[id]) changes.push({ group, id, change: 'changed', from: a[id] as string, to: b[id] as string });
    }
  }
  return changes;
}

/**
 * When the change is only members dropping out because their keys expired: the latest of those
 * expiries (ms). Null for any other change.
 */
export function expiryChangeTime(changes: JsonValue[], resolved: ResolvedConfig): number | null {
  let time: number | null = null;
  for (const c of changes as { group: string; id: string; change: string }[]) {
    const excluded = resolved.excluded.get(c.id);
    if (!excluded) return null;
    if (c.group === 'excluded' && c.change === 'added') time = Math.max(time ?? 0, excluded.since.getTime());
    else if (c.change !== 'removed' || c.group === 'excluded') return null;
  }
  return time;
}

/** Records the running config; logs config.changed if it differs from the last one seen. */
export async function recordConfigVersion(relais: Relais): Promise<boolean> {
  const { store, config } = relais;
  // The staff list keeps each member's unread reports: it needs the inboxes' members.
  await store.reportList.syncMembers(config.config.inboxes.flatMap((i) => i.members.map((m) => ({ inboxId: i.id, memberId: m.id }))));
  const membership = membershipOf(config);
  const latest = await store.configVersions.latest();
  if (latest?.hash === config.hash) return false;
  const before = latest ? (JSON.parse(latest.membership) as Membership) : {};
  const changes = membershipDiff(before, membership);
  const expiredAt = latest ? expiryChangeTime(changes, config) : null;
  // One batch: the entry goes in only if no other process recorded this version first.
  await store.batch([
    store.audit.appendForNewConfigStatement(
      auditEntryJson({
        action: 'config.changed',
        actor: 'system',
        time: expiredAt ?? relais.clock(),
        // The whole membership and routing too, so that auditors check each staff action against
        // the config in force without replaying every earlier change (issue 11).
        details: {
          hash: config.hash,
          previous: latest?.hash ?? null,
          changes,
          membership,
          ...(expiredAt !== null ? { reason: 'key-expired' } : {}),
        },
      }),
      config.hash,
    ),
    store.configVersions.recordStatement(config.hash, canonicalJson(membership), relais.clock()),
  ]);
  return true;
}
