-- Agenda misses nothing due (issue 16, item 13). A case assigned to a collector and then left
-- alone never reached the agenda: nothing on it fell due. A client's contract now says how often
-- an open case is worked at least (follow_up_days, default 7): a case whose last timeline event
-- is that old shows in its assignee's agenda ("no step in N days").

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.contract
    ADD COLUMN follow_up_days integer NOT NULL DEFAULT 7
        CONSTRAINT contract_follow_up_days_check CHECK (follow_up_days BETWEEN 1 AND 365);

GRANT INSERT (follow_up_days) ON cobranza.contract TO cobranza_admin;

RESET ROLE;
