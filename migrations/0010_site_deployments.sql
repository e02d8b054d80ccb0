-- Relais schema: the code each start served (DESIGN promise 11, issue 12). One row per
-- `site.deployed` audit entry, keyed by that entry's index in the log, with the manifest (the
-- canonical JSON served at /.well-known/relais/manifest) and its SHA-256. A start whose manifest
-- hash differs from the newest row's appends the entry and the row in one batch, before it
-- serves anything; the newest row is what the server compares with at its next start.

CREATE TABLE site_deployments (
  -- the index of its site.deployed entry in audit_entries
  idx INTEGER PRIMARY KEY NOT NULL,
  manifest_hash TEXT NOT NULL,
  manifest TEXT NOT NULL,
  deployed INTEGER NOT NULL
);

CREATE TRIGGER site_deployments_no_update BEFORE UPDATE ON site_deployments
BEGIN
  SELECT RAISE(ABORT, 'site deployments are append-only');
END;

CREATE TRIGGER site_deployments_no_delete BEFORE DELETE ON site_deployments
BEGIN
  SELECT RAISE(ABORT, 'site deployments are append-only');
END;
