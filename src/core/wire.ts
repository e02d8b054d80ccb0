// The types that cross the wire between the server and its clients (the CLI, the web pages): report
// summaries and parts, conversation messages, witness summaries and disclosure states. One module,
// in core/, so that clients never import the store and the store and the routes share the shapes
// they answer with.

export type Audience = 'main' | 'identity';
export type PartRole = 'report' | 'attachment' | 'identity';
export type ReportStatus = 'received' | 'in-progress' | 'closed';
export interface ReportSummary {
  ref: string;
  category: string;
  receivedBucket: number;
  status: ReportStatus;
  /** the latest of the received bucket, a resident message's bucket and a staff action's time */
  activity: number;
  /** the member the report is assigned to in (one of) your inboxes */
  assignee: string | null;
  attachments: number;
  read: boolean;
  /** a witness request's W- number */
  witness: string | null;
}
export interface PartInfo {
  idx: number;
  role: PartRole;
  size: number;
}

export type MessageKind = 'message' | 'status' | 'note' | 'attachment';
export interface MessageInfo {
  idx: number;
  author: 'resident' | 'staff';
  memberId: string | null;
  kind: MessageKind;
  status: ReportStatus | null;
  at: number;
  size: number;
}

export interface WitnessSummary {
  number: string;
  ref: string;
  category: string;
  receivedBucket: number;
  status: ReportStatus;
  /** index of the sealed identity part */
  identityPart: number | null;
  /** disclosures waiting for a second custodian */
  pending: number;
}

export type DisclosureState = 'pending' | 'approved' | 'refused' | 'withdrawn' | 'fetched';
export type DisclosureAction = 'approved' | 'refused' | 'withdrawn' | 'fetched';

/** The message kinds a resident sees in their conversation (internal notes are staff-only). */
export const RESIDENT_KINDS: MessageKind[] = ['message', 'status', 'attachment'];

/** One sealed object of a report a member may grant access to (`relais grant`, issue 14). */
export interface GrantItem {
  /** a part of the report, or a message of its conversation */
  target: 'part' | 'message';
  idx: number;
  audience: Audience;
  /** sealed to the resident's reply key too (their messages and the replies they read) */
  resident: boolean;
  /** its key packets are already exactly for the current members: nothing to do */
  current: boolean;
}

/** GET /api/v1/reports/:ref/grant: what the member may grant, and the keys to seal to. */
export interface GrantStatus {
  ref: string;
  /** the inboxes the report was routed to, for the audiences the member may grant */
  inboxes: string[];
  items: GrantItem[];
  /** the current members' public keys for each audience the member may grant */
  keys: { main?: string[]; identity?: string[] };
  /** the resident's reply key, for items with `resident` */
  residentKey: string | null;
}
