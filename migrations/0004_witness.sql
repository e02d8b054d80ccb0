-- Relais schema, version 4: confidential-witness requests (DESIGN promise 6, "Flows: Witness
-- request"; issue 7). Shared by SQLite and D1: no BEGIN/COMMIT, positional parameters only.
--
-- witnesses: the number (W-XXXX-XXXX, random, never sequential) under which investigators and
-- custodians know a witness; one per witness request, written in the report's own batch.
--
-- disclosures: a witness's identity re-sealed by a custodian to the members of one investigator
-- inbox (`sealed`), and the same encrypted data with the custodians as recipients (`review`), so
-- that the second custodian reads exactly what the investigators will read. `encrypted_sha256`
-- is the SHA-256 of that shared encrypted packet. The justification is inside the sealed text:
-- the server holds nothing about the witness in clear.
--
-- disclosure_events: every step after the request (approved, refused, withdrawn, fetched), one
-- append-only row each. Since D1 has no interactive transactions, the rules are enforced by the
-- database inside the batch that records the step (and its audit entry), never by a read first:
--   - disclosure_events_guard: a step is refused unless the disclosure's current state allows it,
--     and approval or refusal by the custodian who asked is refused (two-person rule);
--   - disclosure_events_apply: the step moves the disclosure to its new state;
--   - disclosures_update_guard: nothing but the state ever changes, and only along the arrows
--     pending → approved | refused | withdrawn, approved → withdrawn | fetched, fetched → fetched;
--   - disclosures_one_open: at most one open (pending or approved) disclosure per witness and inbox.

CREATE TABLE witnesses (
  number TEXT PRIMARY KEY NOT NULL CHECK (length(number) = 11 AND substr(number, 1, 2) = 'W-'),
  ref TEXT NOT NULL UNIQUE REFERENCES reports (ref) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE disclosures (
  id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 16 AND substr(id, 1, 2) = 'D-'),
  witness TEXT NOT NULL REFERENCES witnesses (number) ON DELETE CASCADE,
  -- the investigator inbox whose members `sealed` is sealed to
  inbox_id TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  -- unix seconds (a staff action: exact)
  requested_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'refused', 'withdrawn', 'fetched')),
  encrypted_sha256 TEXT NOT NULL CHECK (length(encrypted_sha256) = 64),
  sealed BLOB NOT NULL,
  review BLOB NOT NULL
) WITHOUT ROWID;

CREATE INDEX disclosures_by_witness ON disclosures (witness);
CREATE INDEX disclosures_by_inbox ON disclosures (inbox_id, state);
CREATE UNIQUE INDEX disclosures_one_open ON disclosures (witness, inbox_id) WHERE state IN ('pending', 'approved');

CREATE TRIGGER disclosures_insert_pending BEFORE INSERT ON disclosures
WHEN NEW.state <> 'pending'
BEGIN
  SELECT RAISE(ABORT, 'a disclosure starts pending');
END;

CREATE TRIGGER disclosures_update_guard BEFORE UPDATE ON disclosures
WHEN NEW.id IS NOT OLD.id OR NEW.witness IS NOT OLD.witness OR NEW.inbox_id IS NOT OLD.inbox_id
  OR NEW.requested_by IS NOT OLD.requested_by OR NEW.requested_at IS NOT OLD.requested_at
  OR NEW.encrypted_sha256 IS NOT OLD.encrypted_sha256 OR NEW.sealed IS NOT OLD.sealed OR NEW.review IS NOT OLD.review
  OR NOT ((OLD.state = 'pending' AND NEW.state IN ('approved', 'refused', 'withdrawn'))
       OR (OLD.state = 'approved' AND NEW.state IN ('withdrawn', 'fetched'))
       OR (OLD.state = 'fetched' AND NEW.state = 'fetched'))
BEGIN
  SELECT RAISE(ABORT, 'a disclosure changes only its state, along the allowed steps');
END;

CREATE TABLE disclosure_events (
  seq INTEGER PRIMARY KEY NOT NULL,
  disclosure_id TEXT NOT NULL REFERENCES disclosures (id) ON DELETE CASCADE,
  action TEXT NOT NULL CHECK (action IN ('approved', 'refused', 'withdrawn', 'fetched')),
  member_id TEXT NOT NULL,
  -- unix seconds (a staff action: exact)
  at INTEGER NOT NULL
);

CREATE INDEX disclosure_events_by_disclosure ON disclosure_events (disclosure_id);

CREATE TRIGGER disclosure_events_guard BEFORE INSERT ON disclosure_events
WHEN NOT EXISTS (
  SELECT 1 FROM disclosures d WHERE d.id = NEW.disclosure_id AND (
       (NEW.action IN ('approved', 'refused') AND d.state = 'pending' AND d.requested_by <> NEW.member_id)
    OR (NEW.action = 'withdrawn' AND d.state IN ('pending', 'approved'))
    OR (NEW.action = 'fetched' AND d.state IN ('approved', 'fetched'))))
BEGIN
  SELECT RAISE(ABORT, 'this disclosure step is not allowed (state, or the requester deciding)');
END;

CREATE TRIGGER disclosure_events_apply AFTER INSERT ON disclosure_events
BEGIN
  UPDATE disclosures SET state = NEW.action WHERE id = NEW.disclosure_id;
END;

CREATE TRIGGER disclosure_events_no_update BEFORE UPDATE ON disclosure_events
BEGIN
  SELECT RAISE(ABORT, 'disclosure events are append-only');
END;
