-- Variant work (issue 8). The variant row is the truth about its work, whatever the queue says:
-- promotion inserts the profile's variants `queued` (stamping queued_at) and moves the asset to
-- `processing` in one transaction, then sends one message per variant. A worker claims a variant
-- queued -> processing with a lease (the database's clock times it) and counts the attempt; the
-- recipe it renders is stamped on the row, so a recipe changed in configuration shows as stale.
ALTER TABLE variants ADD COLUMN lease_owner text;
ALTER TABLE variants ADD COLUMN lease_until timestamptz;

-- The purger finds starved work: queued too long (a lost message) or processing with its lease run
-- out (a crashed worker).
CREATE INDEX variants_open_work_idx ON variants (queued_at) WHERE state IN ('queued', 'processing');
CREATE INDEX variants_asset_state_idx ON variants (asset_id, state);

INSERT INTO state_transitions (machine, from_state, to_state) VALUES
    -- an asset whose profile renders nothing for its kind (a PDF, an MP4) is ready at promotion
    ('asset', 'available', 'ready'),
    -- requeueing failed, cancelled or stale variants puts a settled asset back to work
    ('asset', 'ready', 'processing'), ('asset', 'degraded', 'processing'),
    -- a worker that cannot finish for a transient reason (storage 5xx) releases its claim, so the
    -- redelivered message can take it at once instead of waiting out the lease
    ('variant', 'processing', 'queued');
