-- Relais schema, version 9: rewriting the key packets of a stored sealed part or message
-- (`relais grant`, issue 14). A grant replaces a part's leading key packets (PKESK) and keeps its
-- encrypted packet byte for byte; it is written only if the part is still exactly as the server
-- read it, so two grants that race cannot both apply (and neither can orphan a blob). The guard
-- is an insert into this table that the CHECK refuses when the part has changed meanwhile; the
-- table itself stays empty. Shared by SQLite and D1.

CREATE TABLE key_packet_guard (
  ok INTEGER NOT NULL CHECK (ok = 1)
);
