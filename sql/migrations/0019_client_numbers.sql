-- 0019_client_numbers: the numbers an SME reads count its own rows only (issue 14, item 10).
--
-- Submissions and import batches took their ids from agency-wide identity sequences, and those
-- ids were the numbers people read and typed ("submission 12", "batch 2"). An SME that placed
-- submission 12 and then 19 learnt that other clients placed six in between: the gaps between its
-- own numbers measured the agency's other business. Now each client has its own series of each,
-- 1, 2, 3, … with no other client's rows in between, like the invoice numbers of a client's own
-- books. The identity id stays the key every foreign key uses; nothing shows it any more.
--
-- The number is drawn by a BEFORE INSERT trigger from client_number_counter (one row per client
-- and series, locked by the upsert, so concurrent inserts of one client queue there and those of
-- different clients do not meet). As with case and fee document numbers (0010) nobody names or
-- changes a number: no person has INSERT or UPDATE on the column, and the counter has no grants.
-- A rolled-back insert returns its number with it, so the series has no gaps but from rows that
-- were never committed.
--
-- Existing rows are numbered per client in the order of their ids (the order they were made).
-- That backfill is an UPDATE of every row, not a change anyone made: the audit triggers are off
-- for it. It runs as the migrating superuser, whom the owner's FORCE ROW LEVEL SECURITY does not
-- bind.

SET LOCAL ROLE cobranza_owner;

-- One row per client and series: the last number handed out. Tenant data (its tenant_id is a
-- client's), so FORCE ROW LEVEL SECURITY with a policy for the owner alone, and no grants: only
-- client_number (owner) reads and writes it.
CREATE TABLE cobranza.client_number_counter (
    tenant_id  bigint  NOT NULL CONSTRAINT client_number_counter_tenant_fkey REFERENCES cobranza.tenant (id),
    series     text    NOT NULL
                       CONSTRAINT client_number_counter_series_check CHECK (series IN ('submission', 'import_batch')),
                       CONSTRAINT client_number_counter_series_text CHECK (cobranza.single_line(series, 'series')),
    last_value integer NOT NULL CONSTRAINT client_number_counter_last_value_check CHECK (last_value >= 1),
    CONSTRAINT client_number_counter_pkey PRIMARY KEY (tenant_id, series)
);
ALTER TABLE cobranza.client_number_counter ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.client_number_counter FORCE ROW LEVEL SECURITY;
CREATE POLICY client_number_counter_owner_all ON cobranza.client_number_counter FOR ALL TO cobranza_owner
    USING (true) WITH CHECK (true);
REVOKE ALL ON cobranza.client_number_counter FROM PUBLIC;

-- The next number of the inserted row's client in the series named by the table. SECURITY
-- DEFINER: the inserter (an SME placing debts, staff placing for it) has no privilege on the
-- counter. It overwrites whatever the row says, so no insert path can choose a number.
CREATE FUNCTION cobranza.client_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    INSERT INTO cobranza.client_number_counter AS c (tenant_id, series, last_value)
    VALUES (NEW.tenant_id, TG_TABLE_NAME, 1)
        ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = c.last_value + 1
        RETURNING c.last_value INTO NEW.number;
    RETURN NEW;
END
$$;
REVOKE EXECUTE ON FUNCTION cobranza.client_number() FROM PUBLIC;

ALTER TABLE cobranza.submission ADD COLUMN number integer;
ALTER TABLE cobranza.import_batch ADD COLUMN number integer;

-- As the migrating superuser: FORCE ROW LEVEL SECURITY hides every row from the owner.
RESET ROLE;
ALTER TABLE cobranza.submission DISABLE TRIGGER submission_audit;
ALTER TABLE cobranza.import_batch DISABLE TRIGGER import_batch_audit;
UPDATE cobranza.submission s SET number = n.number
  FROM (SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id ORDER BY id) AS number
          FROM cobranza.submission) n
 WHERE n.tenant_id = s.tenant_id AND n.id = s.id;
UPDATE cobranza.import_batch b SET number = n.number
  FROM (SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id ORDER BY id) AS number
          FROM cobranza.import_batch) n
 WHERE n.tenant_id = b.tenant_id AND n.id = b.id;
ALTER TABLE cobranza.submission ENABLE TRIGGER submission_audit;
ALTER TABLE cobranza.import_batch ENABLE TRIGGER import_batch_audit;

INSERT INTO cobranza.client_number_counter (tenant_id, series, last_value)
SELECT tenant_id, 'submission', max(number) FROM cobranza.submission GROUP BY tenant_id
UNION ALL
SELECT tenant_id, 'import_batch', max(number) FROM cobranza.import_batch GROUP BY tenant_id;
SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.submission ALTER COLUMN number SET NOT NULL,
    ADD CONSTRAINT submission_number_check CHECK (number >= 1),
    ADD CONSTRAINT submission_tenant_id_number_key UNIQUE (tenant_id, number);
ALTER TABLE cobranza.import_batch ALTER COLUMN number SET NOT NULL,
    ADD CONSTRAINT import_batch_number_check CHECK (number >= 1),
    ADD CONSTRAINT import_batch_tenant_id_number_key UNIQUE (tenant_id, number);

-- A row refused later (a constraint, a policy) rolls back with the number it drew.
CREATE TRIGGER submission_number BEFORE INSERT ON cobranza.submission
    FOR EACH ROW EXECUTE FUNCTION cobranza.client_number();
CREATE TRIGGER import_batch_number BEFORE INSERT ON cobranza.import_batch
    FOR EACH ROW EXECUTE FUNCTION cobranza.client_number();

RESET ROLE;
