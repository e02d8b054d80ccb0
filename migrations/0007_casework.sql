-- Relais schema, version 7: casework at scale (issue 15). Shared by SQLite and D1.
--
-- inbox_reports: one row per report and inbox it was routed to, kept by triggers from the rows
-- the intake writes (report_routes, reports, messages), so that the staff list reads one index
-- per inbox and view instead of scanning every report (issue 16 item 3). It holds nothing the
-- other tables do not: the received bucket, the status, the category, the assignee (per inbox)
-- and the last activity — the latest of the received bucket, a resident message's stored time
-- (its bucket start) and a staff message's time, so it never says more about a resident than
-- the bucket. WITHOUT ROWID, keyed by the random reference: no arrival order (promise 2).
CREATE TABLE inbox_reports (
  inbox_id TEXT NOT NULL,
  ref TEXT NOT NULL REFERENCES reports (ref) ON DELETE CASCADE,
  category TEXT NOT NULL,
  received_bucket INTEGER NOT NULL,
  activity INTEGER NOT NULL,
  status TEXT NOT NULL,
  assignee TEXT,
  PRIMARY KEY (inbox_id, ref)
) WITHOUT ROWID;

CREATE INDEX inbox_reports_by_ref ON inbox_reports (ref);
CREATE INDEX inbox_reports_received ON inbox_reports (inbox_id, received_bucket, ref);
CREATE INDEX inbox_reports_activity ON inbox_reports (inbox_id, activity, ref);
CREATE INDEX inbox_reports_open_received ON inbox_reports (inbox_id, received_bucket, ref) WHERE status <> 'closed';
CREATE INDEX inbox_reports_open_activity ON inbox_reports (inbox_id, activity, ref) WHERE status <> 'closed';
CREATE INDEX inbox_reports_category ON inbox_reports (inbox_id, category, received_bucket, ref);
CREATE INDEX inbox_reports_assignee_received ON inbox_reports (inbox_id, assignee, received_bucket, ref) WHERE assignee IS NOT NULL;
CREATE INDEX inbox_reports_assignee_activity ON inbox_reports (inbox_id, assignee, activity, ref) WHERE assignee IS NOT NULL;

CREATE TRIGGER inbox_reports_route AFTER INSERT ON report_routes
BEGIN
  INSERT OR IGNORE INTO inbox_reports (inbox_id, ref, category, received_bucket, activity, status)
    SELECT NEW.inbox_id, r.ref, r.category, r.received_bucket, r.received_bucket, r.status FROM reports r WHERE r.ref = NEW.ref;
END;

CREATE TRIGGER inbox_reports_status AFTER UPDATE OF status ON reports
BEGIN
  UPDATE inbox_reports SET status = NEW.status WHERE ref = NEW.ref;
END;

CREATE TRIGGER inbox_reports_activity_message AFTER INSERT ON messages
BEGIN
  UPDATE inbox_reports SET activity = MAX(activity, NEW.at) WHERE ref = NEW.ref;
END;

-- The members of each inbox, as the running config says (written at start, src/server/
-- config-change.ts), so that each member's unread reports can be kept as rows of their own.
CREATE TABLE inbox_members (
  inbox_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  PRIMARY KEY (inbox_id, member_id)
) WITHOUT ROWID;

-- Each member's unread reports per inbox (never opened, or with a resident message since), kept
-- by triggers from inbox_reports and report_reads, so that the "unread" view reads its own index
-- instead of skipping every report already read.
CREATE TABLE unread_reports (
  member_id TEXT NOT NULL,
  inbox_id TEXT NOT NULL,
  ref TEXT NOT NULL REFERENCES reports (ref) ON DELETE CASCADE,
  received_bucket INTEGER NOT NULL,
  activity INTEGER NOT NULL,
  PRIMARY KEY (member_id, inbox_id, ref)
) WITHOUT ROWID;

CREATE INDEX unread_reports_by_ref ON unread_reports (ref);
CREATE INDEX unread_reports_received ON unread_reports (member_id, inbox_id, received_bucket, ref);
CREATE INDEX unread_reports_activity ON unread_reports (member_id, inbox_id, activity, ref);

-- Counts per inbox for the views (status:<s>, assignee:<member>, unread:<member>), kept by
-- triggers, so that a view's total is one row read, whatever the number of reports.
CREATE TABLE list_counts (
  inbox_id TEXT NOT NULL,
  key TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (inbox_id, key)
) WITHOUT ROWID;

CREATE TRIGGER inbox_reports_counts_insert AFTER INSERT ON inbox_reports
BEGIN
  INSERT INTO list_counts (inbox_id, key, n) VALUES (NEW.inbox_id, 'status:' || NEW.status, 1)
    ON CONFLICT (inbox_id, key) DO UPDATE SET n = n + 1;
  INSERT INTO unread_reports (member_id, inbox_id, ref, received_bucket, activity)
    SELECT m.member_id, NEW.inbox_id, NEW.ref, NEW.received_bucket, NEW.activity FROM inbox_members m
    WHERE m.inbox_id = NEW.inbox_id AND NOT EXISTS (SELECT 1 FROM report_reads rr WHERE rr.ref = NEW.ref AND rr.member_id = m.member_id)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER inbox_reports_counts_delete AFTER DELETE ON inbox_reports
BEGIN
  UPDATE list_counts SET n = n - 1 WHERE inbox_id = OLD.inbox_id AND key = 'status:' || OLD.status;
  UPDATE list_counts SET n = n - 1 WHERE inbox_id = OLD.inbox_id AND key = 'assignee:' || OLD.assignee;
END;

CREATE TRIGGER inbox_reports_counts_status AFTER UPDATE OF status ON inbox_reports WHEN OLD.status <> NEW.status
BEGIN
  UPDATE list_counts SET n = n - 1 WHERE inbox_id = OLD.inbox_id AND key = 'status:' || OLD.status;
  INSERT INTO list_counts (inbox_id, key, n) VALUES (NEW.inbox_id, 'status:' || NEW.status, 1)
    ON CONFLICT (inbox_id, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER inbox_reports_counts_assignee AFTER UPDATE OF assignee ON inbox_reports WHEN OLD.assignee IS NOT NEW.assignee
BEGIN
  UPDATE list_counts SET n = n - 1 WHERE inbox_id = OLD.inbox_id AND key = 'assignee:' || OLD.assignee;
  INSERT INTO list_counts (inbox_id, key, n) SELECT NEW.inbox_id, 'assignee:' || NEW.assignee, 1 WHERE NEW.assignee IS NOT NULL
    ON CONFLICT (inbox_id, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER inbox_reports_unread_activity AFTER UPDATE OF activity ON inbox_reports
BEGIN
  UPDATE unread_reports SET activity = NEW.activity WHERE inbox_id = NEW.inbox_id AND ref = NEW.ref;
END;

CREATE TRIGGER unread_reports_count_insert AFTER INSERT ON unread_reports
BEGIN
  INSERT INTO list_counts (inbox_id, key, n) VALUES (NEW.inbox_id, 'unread:' || NEW.member_id, 1)
    ON CONFLICT (inbox_id, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER unread_reports_count_delete AFTER DELETE ON unread_reports
BEGIN
  UPDATE list_counts SET n = n - 1 WHERE inbox_id = OLD.inbox_id AND key = 'unread:' || OLD.member_id;
END;

CREATE TRIGGER report_reads_read AFTER INSERT ON report_reads
BEGIN
  DELETE FROM unread_reports WHERE member_id = NEW.member_id AND ref = NEW.ref;
END;

-- A resident's message makes the report unread again for those who had read it (the row is
-- deleted); a report being deleted takes its read marks with it, and is no longer there.
CREATE TRIGGER report_reads_cleared AFTER DELETE ON report_reads WHEN EXISTS (SELECT 1 FROM reports WHERE ref = OLD.ref)
BEGIN
  INSERT INTO unread_reports (member_id, inbox_id, ref, received_bucket, activity)
    SELECT OLD.member_id, ir.inbox_id, ir.ref, ir.received_bucket, ir.activity
    FROM inbox_reports ir JOIN inbox_members m ON m.inbox_id = ir.inbox_id AND m.member_id = OLD.member_id
    WHERE ir.ref = OLD.ref
    ON CONFLICT DO NOTHING;
END;

-- The reports stored before this version (their unread rows come when the members are written).
INSERT OR IGNORE INTO inbox_reports (inbox_id, ref, category, received_bucket, activity, status)
  SELECT rt.inbox_id, r.ref, r.category, r.received_bucket,
    MAX(r.received_bucket, COALESCE((SELECT MAX(m.at) FROM messages m WHERE m.ref = r.ref), 0)), r.status
  FROM report_routes rt JOIN reports r ON r.ref = rt.ref;

-- Up to which message of the conversation a staff member has opened, to mark the newer ones.
CREATE TABLE message_seen (
  ref TEXT NOT NULL REFERENCES reports (ref) ON DELETE CASCADE,
  member_id TEXT NOT NULL,
  upto INTEGER NOT NULL,
  PRIMARY KEY (ref, member_id)
) WITHOUT ROWID;

-- The audit-log index of each report's report.received entry, written in the batch that appends
-- it, so that a case export can fetch the entry's inclusion proof without scanning the log.
CREATE TABLE receipt_entries (
  ref TEXT PRIMARY KEY NOT NULL,
  entry_idx INTEGER NOT NULL
) WITHOUT ROWID;

-- Notices already sent (content-free notifications): one per member and period, so that a
-- restart never sends one twice.
CREATE TABLE notices_sent (
  member_id TEXT NOT NULL,
  period INTEGER NOT NULL,
  PRIMARY KEY (member_id, period)
) WITHOUT ROWID;

-- The city's figures for closed weeks, frozen when first computed, so that retention deleting
-- old reports never changes a published figure (no differencing across days).
CREATE TABLE stats_weeks (
  week INTEGER NOT NULL,
  category TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (week, category)
) WITHOUT ROWID;

-- Custodians' record of a witness: contacted (who, when) and notes sealed to the custody inbox.
CREATE TABLE custody_notes (
  number TEXT NOT NULL REFERENCES witnesses (number) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  member_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('contacted', 'note')),
  at INTEGER NOT NULL,
  data BLOB,
  PRIMARY KEY (number, idx),
  CHECK ((kind = 'note') = (data IS NOT NULL))
) WITHOUT ROWID;

CREATE INDEX messages_resident_by_at ON messages (at) WHERE author = 'resident';
