// The log's rules, checked by the auditor on the entries themselves (DESIGN promises 6, 7, 8;
// issue 11), so that a server that skips its own checks — or a database edited behind its back —
// is caught by the log it signs. Runtime-neutral; fed entry by entry, in log order, from entry 0.
//
//   key         every staff action comes from a member of the config in force at that entry (the
//               last `config.changed` before it, which carries the whole membership); a login
//               names the key it was made with, which must be that member's key in that config.
//   membership  every staff read or action on a report (details, parts, replies, notes, status,
//               witness details and identity, disclosure steps) is by a member, at that time, of
//               an inbox the report was routed to (from its `report.received` entry; a read may
//               precede that entry, which comes when the hour bucket closes: it is checked then);
//               a disclosure is fetched only by a member of its target inbox.
//   two-person  every `disclosure.fetched` follows a `disclosure.requested` by one custodian and a
//               `disclosure.approved` by a different one, with no refusal or withdrawal between.
//
// Violations are kept in log order with their entry index (the first MAX_VIOLATIONS of them);
// `summary()` says what was checked, with counts.

type Membership = Record<string, Record<string, string>>;
type Audience = 'main' | 'identity' | 'any';

export type RuleName = 'key' | 'membership' | 'two-person';

export interface RuleViolation {
  index: number;
  rule: RuleName;
  message: string;
}

export interface RuleSummary {
  staffActions: number;
  logins: number;
  reportActions: number;
  waitingForReceipt: number;
  disclosuresFetched: number;
}

const AUDIENCE: Record<string, Audience> = {
  'report.detail': 'any',
  'report.read': 'main',
  'attachment.download': 'main',
  'report.reply': 'main',
  'report.note': 'main',
  'report.status': 'main',
  'report.seen': 'any',
  'report.grant': 'any',
  'witness.detail': 'identity',
  'witness.identity.read': 'identity',
  'disclosure.requested': 'identity',
  'disclosure.approved': 'identity',
  'disclosure.refused': 'identity',
  'disclosure.withdrawn': 'identity',
};

interface Entry {
  action?: unknown;
  actor?: unknown;
  report?: unknown;
  inbox?: unknown;
  details?: Record<string, unknown>;
}

interface PendingAction {
  index: number;
  action: string;
  member: string;
  audience: Audience;
  inboxes: string[];
}

interface Disclosure {
  requestedBy: string;
  approvedBy: string | null;
  state: 'pending' | 'approved' | 'refused' | 'withdrawn' | 'fetched';
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const MAX_VIOLATIONS = 20;

export class RuleChecker {
  readonly violations: RuleViolation[] = [];
  readonly #counts: RuleSummary = { staffActions: 0, logins: 0, reportActions: 0, waitingForReceipt: 0, disclosuresFetched: 0 };
  #membership: Membership = {};
  #configIndex = -1;
  /** member id → inboxes, and → key fingerprint, in the config in force */
  #inboxesOf = new Map<string, string[]>();
  #keyOf = new Map<string, string>();
  readonly #reports = new Map<string, { main: string[]; identity: string[] }>();
  readonly #pending = new Map<string, PendingAction[]>();
  readonly #disclosures = new Map<string, Disclosure>();

  /** Records a violation; returns true so that a check can `return this.#fail(…)`. */
  #fail(index: number, rule: RuleName, message: string): true {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push({ index, rule, message: `entry #${index}: ${message}` });
    return true;
  }

  /** The violations as one message, the first (in log order) first; null if none. */
  verdict(): string | null {
    const sorted = [...this.violations].sort((a, b) => a.index - b.index);
    if (sorted.length === 0) return null;
    return sorted.map((v) => `${v.message} (rule: ${v.rule})`).join('; ');
  }

  /** Checks one entry; true if it was one the rules look at. */
  feed(index: number, text: string): boolean {
    let entry: Entry;
    try {
      entry = JSON.parse(text) as Entry;
    } catch {
      return false; // not a Relais entry: the verifier already hashed it; nothing to check here
    }
    const action = typeof entry.action === 'string' ? entry.action : '';
    const details = typeof entry.details === 'object' && entry.details !== null ? entry.details : {};
    if (action === 'config.changed') return this.#config(index, details);
    if (action === 'report.received' && typeof entry.report === 'string') return this.#received(entry.report, details);
    if (typeof entry.actor !== 'string' || !entry.actor.startsWith('member:')) return false;
    const member = entry.actor.slice('member:'.length);
    this.#counts.staffActions++;
    const key = this.#keyOf.get(member);
    if (key === undefined) {
      return this.#fail(index, 'key', `${action} by ${member}, who is not in the config in force (entry #${this.#configIndex})`);
    }
    if (action === 'staff.login' && typeof details.key === 'string') {
      this.#counts.logins++;
      if (details.key !== key)
        this.#fail(index, 'key', `login by ${member} with key ${details.key}, not the key the config in force names`);
    }
    const audience = AUDIENCE[action];
    if (audience && typeof entry.report === 'string') {
      this.#counts.reportActions++;
      const pending = { index, action, member, audience, inboxes: this.#inboxesOf.get(member) ?? [] };
      const report = this.#reports.get(entry.report);
      if (report) this.#checkAction(pending, entry.report, report);
      else this.#pending.set(entry.report, [...(this.#pending.get(entry.report) ?? []), pending]);
    }
    if (action.startsWith('disclosure.')) this.#disclosure(index, action, member, entry, details);
    return true;
  }

  #config(index: number, details: Record<string, unknown>): true {
    const full = details.membership;
    if (typeof full === 'object' && full !== null) this.#membership = structuredClone(full) as Membership;
    else {
      // An entry from before issue 11: fold the diff into the membership in force.
      for (const change of Array.isArray(details.changes) ? details.changes : []) {
        const { group, id, change: kind, value, to } = change as Record<string, string>;
        if (!group || !id) continue;
        this.#membership[group] ??= {};
        const g = this.#membership[group];
        if (kind === 'removed') delete g[id];
        else g[id] = (kind === 'changed' ? to : value) ?? '';
      }
    }
    this.#configIndex = index;
    this.#inboxesOf = new Map();
    this.#keyOf = new Map();
    for (const [group, members] of Object.entries(this.#membership)) {
      const inbox = group.startsWith('inbox:') ? group.slice('inbox:'.length) : null;
      if (!inbox && group !== 'auditors') continue;
      for (const [id, fingerprint] of Object.entries(members)) {
        this.#keyOf.set(id, fingerprint);
        if (inbox) this.#inboxesOf.set(id, [...(this.#inboxesOf.get(id) ?? []), inbox]);
      }
    }
    return true;
  }

  #received(ref: string, details: Record<string, unknown>): true {
    const route = this.#membership[`route:${String(details.category)}`] ?? {};
    const report = {
      main: details.inboxes !== undefined ? strings(details.inboxes) : Object.keys(route).filter((i) => route[i] === 'main'),
      identity: details.identity !== undefined ? strings(details.identity) : Object.keys(route).filter((i) => route[i] === 'identity'),
    };
    this.#reports.set(ref, report);
    for (const pending of this.#pending.get(ref) ?? []) this.#checkAction(pending, ref, report);
    this.#pending.delete(ref);
    return true;
  }

  #checkAction(a: PendingAction, ref: string, report: { main: string[]; identity: string[] }): void {
    const allowed =
      a.audience === 'main' ? report.main : a.audience === 'identity' ? report.identity : [...report.main, ...report.identity];
    if (!a.inboxes.some((i) => allowed.includes(i))) {
      this.#fail(
        a.index,
        'membership',
        `${a.action} of ${ref} by ${a.member}, who was not then a member of ${allowed.join(', ') || 'any inbox it was routed to'}`,
      );
    }
  }

  #disclosure(index: number, action: string, member: string, entry: Entry, details: Record<string, unknown>): boolean {
    const id = typeof details.disclosure === 'string' ? details.disclosure : null;
    if (!id) return false;
    const d = this.#disclosures.get(id);
    if (action === 'disclosure.requested') {
      this.#disclosures.set(id, { requestedBy: member, approvedBy: null, state: 'pending' });
      return true;
    }
    if (action === 'disclosure.approved') {
      if (d?.state !== 'pending') return this.#fail(index, 'two-person', `${id} approved by ${member} without a pending request`);
      if (d.requestedBy === member) return this.#fail(index, 'two-person', `${id} approved by ${member}, who asked for it`);
      d.state = 'approved';
      d.approvedBy = member;
    } else if (action === 'disclosure.refused' || action === 'disclosure.withdrawn') {
      if (d) d.state = action === 'disclosure.refused' ? 'refused' : 'withdrawn';
    } else if (action === 'disclosure.fetched') {
      this.#counts.disclosuresFetched++;
      const inbox = typeof entry.inbox === 'string' ? entry.inbox : '';
      if (!(this.#inboxesOf.get(member) ?? []).includes(inbox)) {
        this.#fail(index, 'membership', `${id} fetched by ${member}, who was not then a member of its target inbox ${inbox}`);
      }
      if (!d) return this.#fail(index, 'two-person', `${id} fetched by ${member}, but it was never requested`);
      if (d.state !== 'approved' && d.state !== 'fetched') {
        return this.#fail(
          index,
          'two-person',
          d.state === 'pending'
            ? `${id} fetched by ${member} without an approval by a second custodian`
            : `${id} fetched by ${member} after it was ${d.state}`,
        );
      }
      if (!d.approvedBy || d.approvedBy === d.requestedBy) {
        return this.#fail(index, 'two-person', `${id} fetched by ${member} without an approval by a second custodian`);
      }
      d.state = 'fetched';
    }
    return true;
  }

  summary(): RuleSummary {
    let waiting = 0;
    for (const list of this.#pending.values()) waiting += list.length;
    return { ...this.#counts, waitingForReceipt: waiting };
  }
}

/** The summary as short lines, for the CLI and the auditor page's English fallback. */
export function ruleSummaryLines(s: RuleSummary): string[] {
  return [
    `rules       key: ${s.staffActions} staff actions by members of the config in force (${s.logins} logins with their configured key)`,
    `            membership: ${s.reportActions - s.waitingForReceipt} report reads and actions by members of a receiving inbox${s.waitingForReceipt ? ` (${s.waitingForReceipt} wait for their report's receipt entry)` : ''}`,
    `            two-person: ${s.disclosuresFetched} disclosures fetched, each asked and approved by two different custodians`,
  ];
}
