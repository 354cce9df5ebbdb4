-- 0020_rfc_as_sat_issues_them: an RFC is valid only as SAT issues it (issue 16, item 15).
--
-- 0017's tax_id_is_valid took any RFC whose check digit fit. SAT never issues:
--   * a homoclave whose first character is not 1-9 or A-V, or whose second is not 1-9 or A-Z
--     (W, X, Z or 0 first; 0 second): one in about eleven of those fits the check digit by chance;
--   * a 29 February of a year that is not a leap year (the two-digit year divisible by 4);
--   * a person's four letters that spell one of its inconvenient words (SAT writes X for the
--     fourth letter instead: PUTO becomes PUTX).
-- Swift's TaxID says the same (the same list of words), and TaxIDCrossCheckTests holds both to
-- python-stdnum's mx.rfc, cl.rut and co.nit over thousands of random ids.
--
-- The CHECK constraints of 0017 (tenant_tax_id_valid_check, debtor_tax_id_valid_check) call this
-- function, so they take the new rules without being redefined. But PostgreSQL checks a CHECK
-- only when a row is written: replacing the function under it re-validates nothing, and a stored
-- RFC the new rules refuse would stay, unnoticed, until some unrelated update of its row failed.
-- So, as 0017 did, the migration first checks every stored tax id against the new rules and
-- stops, naming how many of each break them, rather than leave a rule that holds only for new
-- rows. NITs are judged exactly as before. A RUT's body is six to eight digits, as Swift's
-- TaxID has always said: 0017 took one to eight, so a RUT written with leading zeros
-- (`014.467-3`, which Swift read as six digits until the fuzzer found it) could be stored as
-- `14467-3`, an id the same parser then refused.

SET LOCAL ROLE cobranza_owner;

CREATE OR REPLACE FUNCTION cobranza.tax_id_is_valid(p_country text, p_tax_id text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    v_letters integer;
    v_year integer;
    v_month integer;
    v_day integer;
BEGIN
    IF p_country = 'CL' THEN
        RETURN p_tax_id ~ '^[1-9][0-9]{5,7}-[0-9K]$'
           AND right(p_tax_id, 1) = cobranza.rut_check_digit(split_part(p_tax_id, '-', 1));
    ELSIF p_country = 'CO' THEN
        RETURN p_tax_id ~ '^[0-9]{5,15}-[0-9]$'
           AND right(p_tax_id, 1) = cobranza.nit_check_digit(split_part(p_tax_id, '-', 1));
    ELSIF p_country = 'MX' THEN
        -- Letters, YYMMDD, and the homoclave: 1-9 or A-V, 1-9 or A-Z, the check digit.
        IF p_tax_id !~ '^[A-Z&Ñ]{3,4}[0-9]{6}[1-9A-V][1-9A-Z][0-9A]$' THEN RETURN false; END IF;
        v_letters := length(p_tax_id) - 9;
        IF v_letters = 4 AND left(p_tax_id, 4) = ANY (ARRAY[
            'BUEI', 'BUEY', 'CACA', 'CACO', 'CAGA', 'CAGO', 'CAKA', 'CAKO', 'COGE', 'COJA', 'COJE', 'COJI', 'COJO', 'CULO',
            'FETO', 'GUEY', 'JOTO', 'KACA', 'KACO', 'KAGA', 'KAGO', 'KAKA', 'KOGE', 'KOJO', 'KULO', 'MAME', 'MAMO', 'MEAR',
            'MEAS', 'MEON', 'MION', 'MOCO', 'MULA', 'PEDA', 'PEDO', 'PENE', 'PUTA', 'PUTO', 'QULO', 'RATA', 'RUIN'])
        THEN
            RETURN false;
        END IF;
        v_year := substr(p_tax_id, v_letters + 1, 2)::integer;
        v_month := substr(p_tax_id, v_letters + 3, 2)::integer;
        v_day := substr(p_tax_id, v_letters + 5, 2)::integer;
        RETURN v_month BETWEEN 1 AND 12
           AND v_day BETWEEN 1 AND (CASE WHEN v_month = 2 THEN CASE WHEN v_year % 4 = 0 THEN 29 ELSE 28 END
                                         WHEN v_month IN (4, 6, 9, 11) THEN 30 ELSE 31 END)
           AND right(p_tax_id, 1) = cobranza.rfc_check_digit(left(p_tax_id, length(p_tax_id) - 1));
    END IF;
    RETURN false;
END
$$;

RESET ROLE;

-- Stored ids under the new rules, as the migrating superuser (the owner's forced row security
-- would show it nothing).
DO $$
DECLARE
    v_tenants bigint := (SELECT count(*) FROM cobranza.tenant WHERE NOT cobranza.tax_id_is_valid(country, tax_id));
    v_debtors bigint := (SELECT count(*) FROM cobranza.debtor WHERE NOT cobranza.tax_id_is_valid(country, tax_id));
BEGIN
    IF v_tenants + v_debtors > 0 THEN
        RAISE EXCEPTION 'tax ids as they are issued: % client(s) and % debtor(s) have an RFC SAT never issues (homoclave not 1-9/A-V then 1-9/A-Z, 29 February of a year that is not a leap year, or an inconvenient word) or a RUT of fewer than six digits; correct them, then migrate again',
            v_tenants, v_debtors;
    END IF;
END
$$;
