-- Relais schema, version 2: the anonymous two-way conversation (DESIGN "Flows: Follow-up").
-- A report may carry the SHA-256 of the resident's lookup key (derived from the receipt in the
-- resident's browser; the receipt itself never reaches the server) and the resident's reply key:
-- its public key, and its private key locked with a passphrase also derived from the receipt.
-- Messages are sealed parts, one row each, in conversation order.

ALTER TABLE reports ADD COLUMN lookup_hash TEXT;
ALTER TABLE reports ADD COLUMN reply_public_key TEXT;
ALTER TABLE reports ADD COLUMN reply_locked_key TEXT;

CREATE UNIQUE INDEX reports_by_lookup ON reports (lookup_hash) WHERE lookup_hash IS NOT NULL;

CREATE TABLE messages (
  ref TEXT NOT NULL REFERENCES reports (ref) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  author TEXT NOT NULL CHECK (author IN ('resident', 'staff')),
  -- the staff member who wrote it; NULL for the resident
  member_id TEXT,
  -- message: read by the resident and the inbox; status: a status change with its explanation;
  -- note: internal, sealed to the inbox only; attachment: a file added to the conversation
  kind TEXT NOT NULL CHECK (kind IN ('message', 'status', 'note', 'attachment')),
  status TEXT CHECK (status IS NULL OR status IN ('received', 'in-progress', 'closed')),
  -- unix seconds: exact for staff, the start of the time bucket for the resident
  at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  data BLOB,
  blob_key TEXT,
  PRIMARY KEY (ref, idx),
  CHECK ((author = 'staff') = (member_id IS NOT NULL)),
  CHECK ((data IS NULL) <> (blob_key IS NULL) OR (kind = 'status' AND data IS NULL AND blob_key IS NULL AND size = 0))
) WITHOUT ROWID;
