-- Asynchronous exports (issue 9, item 2). An inventory too large to write inside an API call is recorded
-- pending with queued_at set and its filter, and the export-worker writes it. The row is the truth, the
-- message a hint: a worker claims the row with a lease (the database's clock times it) and counts the
-- attempt before it writes a byte, so a duplicate or late message writes nothing; a transient failure
-- releases the claim. Exports written inside the API call keep queued_at NULL and are never claimed.
--   queued_at      when the work was last sent to the queue (NULL: written by the API call itself)
--   lease_owner, lease_until, attempts   the worker's claim, as variants have since V5
--   filter_*       the asset inventory's filter, which the worker reads back
ALTER TABLE exports
    ADD COLUMN queued_at           timestamptz,
    ADD COLUMN lease_owner         text,
    ADD COLUMN lease_until         timestamptz,
    ADD COLUMN attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    ADD COLUMN filter_profile      text,
    ADD COLUMN filter_state        text,
    ADD COLUMN filter_created_from timestamptz,
    ADD COLUMN filter_created_to   timestamptz,
    ADD CHECK (lease_owner IS NULL OR queued_at IS NOT NULL);

-- The purger sends queued work again when its message was lost or its worker died, and fails what
-- passed its deadline; exports_pending_idx (V7) serves the exports written by the API call.
CREATE INDEX exports_queued_idx ON exports (queued_at) WHERE state = 'pending' AND queued_at IS NOT NULL;
