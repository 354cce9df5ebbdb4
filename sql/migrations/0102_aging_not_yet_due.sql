-- report aging tells the truth about pre-collection (issue 17): since 0100 an open invoice may
-- not be due yet, and age_bucket counted days before the due date as 0, so money nobody owed
-- yet stood in the 0-30 days overdue column. Such an invoice now has a bucket of its own,
-- "not due", first in every aging report. Replaces 0071's age_bucket (still one inlinable SQL
-- expression, no SET clause).

SET LOCAL ROLE cobranza_owner;

CREATE OR REPLACE FUNCTION cobranza.age_bucket(p_days integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_days < 0 THEN 'not due' WHEN p_days <= 30 THEN '0-30' WHEN p_days <= 60 THEN '31-60'
                WHEN p_days <= 90 THEN '61-90' WHEN p_days <= 180 THEN '91-180' WHEN p_days <= 365 THEN '181-365' ELSE '>365' END
$$;

RESET ROLE;
