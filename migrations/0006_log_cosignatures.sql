-- Relais schema, version 6: cosignatures of the audit log's checkpoints (DESIGN promise 7,
-- issue 11; C2SP tlog-witness and tlog-cosignature/v1). One row per cosigner (its name and key
-- ID): the newest cosignature it returned, on the checkpoint of `size` entries. The server serves
-- the latest checkpoint with the lines of the cosigners whose row is on that checkpoint, and
-- sends `size` as the "old" size of its next add-checkpoint request to that cosigner.
-- Shared by SQLite and D1: no BEGIN/COMMIT, positional parameters only.
CREATE TABLE log_cosignatures (
  cosigner TEXT PRIMARY KEY NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  timestamp INTEGER NOT NULL CHECK (timestamp >= 0),
  line TEXT NOT NULL
);
