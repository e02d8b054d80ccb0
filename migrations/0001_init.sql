-- Relais schema, version 1: reports and their sealed parts, blobs, spent challenges, staff
-- sessions and the append-only audit table. Shared by SQLite (better-sqlite3) and D1: no
-- BEGIN/COMMIT (the migrator and wrangler wrap each file), positional parameters only.
--
-- Privacy by structure (DESIGN promise 2): no column can hold an address, a user agent, a
-- language or an exact time of a resident's action. Reports are WITHOUT ROWID tables keyed by
-- their random reference, so not even an internal row number records the order of arrival.

CREATE TABLE reports (
  ref TEXT PRIMARY KEY NOT NULL,
  category TEXT NOT NULL,
  -- start of the time bucket the report arrived in (unix seconds)
  received_bucket INTEGER NOT NULL,
  config_hash TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in-progress', 'closed')),
  -- set once the report-received entry has gone into the audit log (in its bucket's batch)
  receipt_logged INTEGER NOT NULL DEFAULT 0 CHECK (receipt_logged IN (0, 1))
) WITHOUT ROWID;

CREATE INDEX reports_by_bucket ON reports (received_bucket);

-- Which inboxes a report was routed to when it arrived, and for what: 'main' (the report, its
-- attachments and messages) or 'identity' (a witness's identity, custody inboxes only).
CREATE TABLE report_routes (
  ref TEXT NOT NULL REFERENCES reports (ref) ON DELETE CASCADE,
  inbox_id TEXT NOT NULL,
  audience TEXT NOT NULL CHECK (audience IN ('main', 'identity')),
  PRIMARY KEY (ref, inbox_id, audience)
) WITHOUT ROWID;

CREATE INDEX report_routes_by_inbox ON report_routes (inbox_id);

-- Sealed parts: binary OpenPGP messages. Small parts are stored inline; attachments live in the
-- blob store (blob_key), so that an edge deployment can keep them in object storage.
CREATE TABLE parts (
  ref TEXT NOT NULL REFERENCES reports (ref) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('report', 'attachment', 'identity')),
  size INTEGER NOT NULL,
  data BLOB,
  blob_key TEXT,
  PRIMARY KEY (ref, idx),
  CHECK ((data IS NULL) <> (blob_key IS NULL))
) WITHOUT ROWID;

CREATE TABLE blobs (
  key TEXT PRIMARY KEY NOT NULL,
  data BLOB NOT NULL
) WITHOUT ROWID;

-- Proof-of-work and login challenges already used, kept until they expire (single use).
-- expires is rounded up to a time bucket so that it says no more than the report's bucket.
CREATE TABLE spent_challenges (
  nonce TEXT PRIMARY KEY NOT NULL,
  expires INTEGER NOT NULL
) WITHOUT ROWID;

-- Staff sessions: only the SHA-256 of the bearer token is stored.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY NOT NULL,
  member_id TEXT NOT NULL,
  created INTEGER NOT NULL,
  last_used INTEGER NOT NULL,
  expires INTEGER NOT NULL
) WITHOUT ROWID;

-- Which staff member has opened which report (for the unread flag).
CREATE TABLE report_reads (
  ref TEXT NOT NULL REFERENCES reports (ref) ON DELETE CASCADE,
  member_id TEXT NOT NULL,
  PRIMARY KEY (ref, member_id)
) WITHOUT ROWID;

-- The append-only audit log: one canonical-JSON entry per staff action, config change, retention
-- deletion or received report. idx is the leaf index in the Merkle tree.
CREATE TABLE audit_entries (
  idx INTEGER PRIMARY KEY NOT NULL CHECK (idx >= 0),
  entry TEXT NOT NULL
);

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
  SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
  SELECT RAISE(ABORT, 'audit entries are append-only');
END;

-- The last config version seen, to log config.changed with the membership diff.
CREATE TABLE config_versions (
  hash TEXT PRIMARY KEY NOT NULL,
  membership TEXT NOT NULL,
  loaded INTEGER NOT NULL
) WITHOUT ROWID;
