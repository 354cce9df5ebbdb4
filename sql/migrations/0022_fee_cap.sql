-- 0022_fee_cap: issue 16, item 1. An agency's fee never exceeds half of what it recovers (the
-- seeds' rule of the trade, and the ceiling of the 50 % maximum rate). A minimum fee of 150 on a
-- payment of 150 took all of it, and a net-mode statement then withheld fee + VAT above the
-- payment. Now the fee, any minimum and surcharge included, is at most floor(payment / 2) in
-- minor units (FeeContract.maximumFee): payment_fee caps it and says so in the note, and the
-- payment table refuses a larger fee from anyone who writes the row.
--
-- The check is NOT VALID: fees frozen before this rule stay as they were charged (and their
-- reversals copy them, negated), so a reversal is exempt; every new payment is held to it.

SET LOCAL ROLE cobranza_owner;

-- The fee one payment earns (CobranzaCore.FeeContract / the tests' FeeCalculator.fee): the
-- stage's rate plus the age surcharge, half-up rounding, the minimum fee, and no fee on direct
-- payments when the contract says so; then at most half of the payment, rounded down.
CREATE OR REPLACE FUNCTION cobranza.payment_fee(
    p_amount bigint, p_stage text, p_channel text, p_overdue_months integer,
    p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer,
    p_minimum_fee bigint, p_direct_earns_fee boolean,
    OUT fee_bp integer, OUT fee bigint, OUT note text)
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    fee_bp := CASE WHEN p_stage = 'judicial' THEN p_judicial_bp ELSE p_extrajudicial_bp END
            + CASE WHEN p_overdue_months > 24 THEN p_surcharge_24m_bp
                   WHEN p_overdue_months > 12 THEN p_surcharge_12m_bp
                   ELSE 0 END;
    IF p_channel = 'direct' AND NOT p_direct_earns_fee THEN
        fee_bp := 0;
        fee := 0;
        note := 'paid directly to the client; the contract charges no fee on direct payments';
        RETURN;
    END IF;
    fee := cobranza.apply_rate(fee_bp, p_amount);
    IF p_amount > 0 AND fee < p_minimum_fee THEN
        fee := p_minimum_fee;
        note := 'minimum fee per payment';
    END IF;
    -- Half, rounded toward zero: integer division (FeeContract.maximumFee).
    IF fee > p_amount / 2 THEN
        fee := p_amount / 2;
        note := concat_ws(', ', note, 'capped at 50% of the payment');
    END IF;
END
$$;

ALTER TABLE cobranza.payment ADD CONSTRAINT payment_fee_cap_check
    CHECK (reverses_id IS NOT NULL OR fee <= amount / 2) NOT VALID;

RESET ROLE;
