-- Every transient state carries a lease: who holds the lane and until when. A holder that dies inside
-- it (a Lambda timeout, an S3 5xx mid-work) leaves a lease that runs out; a retry, the next event or
-- the purger then takes the lane over. Rows entered before this migration have no lease: stale at once.
ALTER TABLE upload_sessions ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz;
ALTER TABLE assets ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz;

CREATE INDEX upload_sessions_verifying_lease ON upload_sessions (lease_until) WHERE state = 'verifying';
-- Stranded assets are found through assets_state_updated_idx (V1).
