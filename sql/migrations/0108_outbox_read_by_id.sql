-- 0108_outbox_read_by_id: the outbox indexed as it is read.
--
-- `notice show ID` and `notice retry ID` look a message up by its id, and `notice list` reads
-- the newest first (ORDER BY id DESC LIMIT n), across every client: the primary key leads with
-- tenant_id, so each of them read the whole outbox (100,000 rows after one strategy run of the
-- bench). No query reads by (tenant_id, status), the index 0077 gave it; the worker finds its
-- work by outbound_message_due_idx. One index for the other, so a queued message costs the same.

SET LOCAL ROLE cobranza_owner;

DROP INDEX cobranza.outbound_message_status_idx;
CREATE INDEX outbound_message_id_idx ON cobranza.outbound_message (id);

RESET ROLE;
