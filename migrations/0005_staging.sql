-- Relais schema, version 5: what residents send waits in a staging area until its time bucket
-- closes, then moves to the main tables in a random order (DESIGN promise 2, issue 13), so that
-- once a bucket has closed, no page, cell, rowid or WAL frame orders its reports, parts,
-- attachments or messages by arrival. Shared by SQLite and D1: no BEGIN/COMMIT, positional
-- parameters only.
--
-- The staged_* tables have the shape of the main ones and no foreign keys: a report's rows, its
-- attachments' bytes (in staged_blobs, in chunks D1 can hold) and every new message (on a staged
-- report or a main one) are written here. At bucket close, src/server/maintenance.ts moves each
-- report (with its receipt's audit entry) and each message in a batch of its own that inserts the
-- main rows from the staged ones and deletes those (src/store/staging.ts): a report is in exactly
-- one place at any instant, and moving it again does nothing. The all_* views read both places.
-- Uniqueness spans both: triggers refuse a staged reference, lookup hash or witness number that
-- the main tables already hold.

CREATE TABLE staged_reports (
  ref TEXT PRIMARY KEY NOT NULL,
  category TEXT NOT NULL,
  received_bucket INTEGER NOT NULL,
  config_hash TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in-progress', 'closed')),
  lookup_hash TEXT,
  reply_public_key TEXT,
  reply_locked_key TEXT
) WITHOUT ROWID;

CREATE INDEX staged_reports_by_bucket ON staged_reports (received_bucket);
CREATE UNIQUE INDEX staged_reports_by_lookup ON staged_reports (lookup_hash) WHERE lookup_hash IS NOT NULL;

CREATE TRIGGER staged_reports_ref_unique BEFORE INSERT ON staged_reports
WHEN EXISTS (SELECT 1 FROM reports WHERE ref = NEW.ref)
BEGIN
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: reports.ref');
END;

CREATE TRIGGER staged_reports_lookup_unique BEFORE INSERT ON staged_reports
WHEN NEW.lookup_hash IS NOT NULL AND EXISTS (SELECT 1 FROM reports WHERE lookup_hash = NEW.lookup_hash)
BEGIN
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: reports.lookup_hash');
END;

CREATE TABLE staged_routes (
  ref TEXT NOT NULL,
  inbox_id TEXT NOT NULL,
  audience TEXT NOT NULL CHECK (audience IN ('main', 'identity')),
  PRIMARY KEY (ref, inbox_id, audience)
) WITHOUT ROWID;

CREATE TABLE staged_parts (
  ref TEXT NOT NULL,
  idx INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('report', 'attachment', 'identity')),
  size INTEGER NOT NULL,
  data BLOB,
  blob_key TEXT,
  PRIMARY KEY (ref, idx),
  CHECK ((data IS NULL) <> (blob_key IS NULL))
) WITHOUT ROWID;

CREATE TABLE staged_witnesses (
  number TEXT PRIMARY KEY NOT NULL CHECK (length(number) = 11 AND substr(number, 1, 2) = 'W-'),
  ref TEXT NOT NULL UNIQUE
) WITHOUT ROWID;

CREATE TRIGGER staged_witnesses_unique BEFORE INSERT ON staged_witnesses
WHEN EXISTS (SELECT 1 FROM witnesses WHERE number = NEW.number)
BEGIN
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: witnesses.number');
END;

CREATE TABLE staged_messages (
  ref TEXT NOT NULL,
  idx INTEGER NOT NULL,
  author TEXT NOT NULL CHECK (author IN ('resident', 'staff')),
  member_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('message', 'status', 'note', 'attachment')),
  status TEXT CHECK (status IS NULL OR status IN ('received', 'in-progress', 'closed')),
  at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  data BLOB,
  blob_key TEXT,
  PRIMARY KEY (ref, idx),
  CHECK ((author = 'staff') = (member_id IS NOT NULL)),
  CHECK ((data IS NULL) <> (blob_key IS NULL) OR (kind = 'status' AND data IS NULL AND blob_key IS NULL AND size = 0))
) WITHOUT ROWID;

CREATE INDEX staged_messages_by_time ON staged_messages (at);

-- Attachment bytes of staged reports and messages, in chunks of at most 1 MiB (a D1 row holds at
-- most 2 MB); they go to the blob store (the blobs table, or R2) when their row moves.
CREATE TABLE staged_blobs (
  key TEXT NOT NULL,
  seq INTEGER NOT NULL CHECK (seq >= 0),
  data BLOB NOT NULL,
  PRIMARY KEY (key, seq)
) WITHOUT ROWID;

-- Blob keys whose row is gone, written in the batch that deletes the row; maintenance deletes the
-- blobs and then these rows, so a stop in between never orphans attachment bytes.
CREATE TABLE blob_trash (
  key TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

-- Bytes already orphaned by earlier versions (a failure between a row and its blob) go too.
INSERT OR IGNORE INTO blob_trash (key)
SELECT key FROM blobs
WHERE key NOT IN (SELECT blob_key FROM parts WHERE blob_key IS NOT NULL)
  AND key NOT IN (SELECT blob_key FROM messages WHERE blob_key IS NOT NULL);

-- The resident's reply keys (about 1.6 kB together) leave the reports row, which they made spill
-- to an overflow page of its own (a WITHOUT ROWID row keeps at most ~1 kB in its page): they live
-- in a rowid table, whose rows keep up to ~4 kB in place, appended in the order reports leave
-- staging, which is random within a bucket (issue 16, item 3: storage per report).
CREATE TABLE reply_keys (
  id INTEGER PRIMARY KEY,
  ref TEXT NOT NULL UNIQUE REFERENCES reports (ref) ON DELETE CASCADE,
  public_key TEXT NOT NULL,
  locked_key TEXT NOT NULL
);

INSERT INTO reply_keys (ref, public_key, locked_key)
SELECT ref, reply_public_key, reply_locked_key FROM reports WHERE reply_public_key IS NOT NULL AND reply_locked_key IS NOT NULL;
UPDATE reports SET reply_public_key = NULL, reply_locked_key = NULL WHERE reply_public_key IS NOT NULL OR reply_locked_key IS NOT NULL;

CREATE VIEW all_reports AS
  SELECT r.ref, r.category, r.received_bucket, r.config_hash, r.status, r.lookup_hash, k.public_key AS reply_public_key,
    k.locked_key AS reply_locked_key, 0 AS staged
  FROM reports r LEFT JOIN reply_keys k ON k.ref = r.ref
  UNION ALL
  SELECT ref, category, received_bucket, config_hash, status, lookup_hash, reply_public_key, reply_locked_key, 1 AS staged FROM staged_reports;

CREATE VIEW all_routes AS
  SELECT ref, inbox_id, audience FROM report_routes
  UNION ALL
  SELECT ref, inbox_id, audience FROM staged_routes;

CREATE VIEW all_parts AS
  SELECT ref, idx, role, size, data, blob_key FROM parts
  UNION ALL
  SELECT ref, idx, role, size, data, blob_key FROM staged_parts;

CREATE VIEW all_witnesses AS
  SELECT number, ref FROM witnesses
  UNION ALL
  SELECT number, ref FROM staged_witnesses;

CREATE VIEW all_messages AS
  SELECT ref, idx, author, member_id, kind, status, at, size, data, blob_key FROM messages
  UNION ALL
  SELECT ref, idx, author, member_id, kind, status, at, size, data, blob_key FROM staged_messages;

-- Staged reports as rows of the staff list, one per inbox they are routed to, in the shape of
-- the main list's index (migrations/0007_casework.sql, src/store/report-list.ts): until it is
-- settled, a staged report has its received status, no assignee, and its bucket as activity.
CREATE VIEW staged_inbox_reports AS
  SELECT rt.inbox_id, r.ref, r.category, r.received_bucket, r.received_bucket AS activity, r.status, NULL AS assignee
  FROM staged_reports r JOIN (SELECT DISTINCT ref, inbox_id FROM staged_routes) rt ON rt.ref = r.ref;

-- The maintenance queries (issue 16, item 3), each on an index that fits it: receipts not yet
-- logged (reports settled early by a staff action, or stored before this version), expired
-- challenges, idle or expired sessions.
CREATE INDEX reports_unlogged ON reports (received_bucket) WHERE receipt_logged = 0;
CREATE INDEX spent_challenges_by_expiry ON spent_challenges (expires);
CREATE INDEX sessions_by_expiry ON sessions (expires);
CREATE INDEX sessions_by_last_use ON sessions (last_used);
