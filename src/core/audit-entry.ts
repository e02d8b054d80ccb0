// The audit-log entry format (DESIGN promise 7): one canonical-JSON object per event, so that the
// same event always has the same bytes and hash. Entries name staff members, reports, inboxes and
// actions; they never carry report content or anything about a resident. Staff events carry the
// time to the second; report-received events carry only their time bucket.

import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from './bytes.ts';
import { canonicalJson, type JsonValue } from './canonical-json.ts';

/**
 * The value a `staff.login` entry carries in `details.session`: derived from the session's bearer
 * token, so the staff member (and an auditor's own run) can find their own login in the log, while
 * the log says nothing that opens the session.
 */
export function sessionLogId(token: string): string {
  return toHex(sha256(utf8(`relais/session-log-id/v1\n${token}`))).slice(0, 32);
}

export const AUDIT_ACTIONS = [
  'config.changed',
  'site.deployed',
  'staff.login',
  'staff.logout',
  'report.received',
  'report.list',
  'report.detail',
  'report.read',
  'report.seen',
  'attachment.download',
  'report.reply',
  'report.status',
  'report.note',
  'report.deleted',
  'report.grant',
  'witness.detail',
  'report.assigned',
  'report.exported',
  'stats.read',
  'witness.contacted',
  'witness.note',
  'witness.note.read',
  'witness.notes.list',
  'report.proof',
  'witness.identity.read',
  'disclosure.list',
  'disclosure.detail',
  'disclosure.requested',
  'disclosure.approved',
  'disclosure.refused',
  'disclosure.withdrawn',
  'disclosure.fetched',
  'staff.refused',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  action: AuditAction;
  /** `member:<id>` for staff, `system` for the server itself */
  actor: string;
  /** exact time (ms) for staff and system events */
  time?: number;
  /** time bucket start (unix seconds) for report-received events */
  bucket?: number;
  report?: string;
  inbox?: string;
  details?: { [key: string]: JsonValue };
}

export function auditEntryJson(event: AuditEvent): string {
  if (!AUDIT_ACTIONS.includes(event.action)) throw new Error('audit: unknown action');
  if ((event.time === undefined) === (event.bucket === undefined)) throw new Error('audit: exactly one of time and bucket');
  return canonicalJson({
    v: 1,
    action: event.action,
    actor: event.actor,
    time: event.time === undefined ? undefined : new Date(Math.floor(event.time / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    bucket: event.bucket === undefined ? undefined : new Date(event.bucket * 1000).toISOString().replace('.000Z', 'Z'),
    report: event.report,
    inbox: event.inbox,
    details: event.details,
  });
}
