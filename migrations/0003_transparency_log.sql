-- Relais schema, version 3: the append-only audit table becomes a verifiable transparency log
-- (DESIGN promise 7, issue 6): an RFC 9162 §2.1 Merkle tree over audit_entries (leaf i is the
-- UTF-8 bytes of entry i), kept as stored subtree hashes, and the C2SP tlog-checkpoints the
-- server signed. Shared by SQLite and D1: no BEGIN/COMMIT, positional parameters only.
--
-- Every table here is append-only (triggers refuse UPDATE and DELETE), and every write is
-- guarded in the batch itself, since D1 has no interactive transactions:
--   - log_hashes' primary key: two integrations computed from the same tree both start writing
--     at the same stored index, so only one of them can apply;
--   - log_heads_extend trigger: an integration applies only on top of the head it was computed
--     from (a compare-and-swap on the tree size);
--   - log_checkpoints_monotonic trigger: a checkpoint is stored only if it covers no more than the
--     integrated tree, is not smaller than any stored checkpoint, and has the same root as any
--     stored checkpoint of its size.

-- Stored subtree hashes, numbered as in Go's sumdb/tlog (src/core/tlog/stored-index.ts): the
-- hash of every perfect subtree, written once when its last leaf is integrated; a dense array.
CREATE TABLE log_hashes (
  idx INTEGER PRIMARY KEY NOT NULL CHECK (idx >= 0),
  hash BLOB NOT NULL CHECK (length(hash) = 32)
);

-- One row per integration step: the tree of the first `size` audit entries and its root, grown
-- from the tree of `previous` entries. MAX(size) is the integrated tree.
CREATE TABLE log_heads (
  size INTEGER PRIMARY KEY NOT NULL CHECK (size > 0),
  previous INTEGER NOT NULL UNIQUE CHECK (previous >= 0 AND previous < size),
  root BLOB NOT NULL CHECK (length(root) = 32)
);

CREATE TRIGGER log_heads_extend BEFORE INSERT ON log_heads
WHEN NEW.previous <> COALESCE((SELECT MAX(size) FROM log_heads), 0)
BEGIN
  SELECT RAISE(ABORT, 'log head moved: this integration was computed from another tree');
END;

-- Signed checkpoints (C2SP tlog-checkpoint as a C2SP signed note, Ed25519), in signing order.
-- size and root repeat what the note's text says, so the guard below can read them.
CREATE TABLE log_checkpoints (
  seq INTEGER PRIMARY KEY NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  root BLOB NOT NULL CHECK (length(root) = 32),
  note TEXT NOT NULL
);

CREATE INDEX log_checkpoints_by_size ON log_checkpoints (size);

CREATE TRIGGER log_checkpoints_monotonic BEFORE INSERT ON log_checkpoints
WHEN NEW.size > COALESCE((SELECT MAX(size) FROM log_heads), 0)
  OR NEW.size < COALESCE((SELECT MAX(size) FROM log_checkpoints), 0)
  OR EXISTS (SELECT 1 FROM log_checkpoints WHERE size = NEW.size AND root <> NEW.root)
BEGIN
  SELECT RAISE(ABORT, 'a checkpoint must not exceed the tree, shrink it or change a signed root');
END;

CREATE TRIGGER log_hashes_no_update BEFORE UPDATE ON log_hashes
BEGIN
  SELECT RAISE(ABORT, 'stored log hashes are append-only');
END;

CREATE TRIGGER log_hashes_no_delete BEFORE DELETE ON log_hashes
BEGIN
  SELECT RAISE(ABORT, 'stored log hashes are append-only');
END;

CREATE TRIGGER log_heads_no_update BEFORE UPDATE ON log_heads
BEGIN
  SELECT RAISE(ABORT, 'log heads are append-only');
END;

CREATE TRIGGER log_heads_no_delete BEFORE DELETE ON log_heads
BEGIN
  SELECT RAISE(ABORT, 'log heads are append-only');
END;

CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'signed checkpoints are append-only');
END;

CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'signed checkpoints are append-only');
END;
