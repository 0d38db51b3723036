-- `uploaded` becomes a lane of its own: `complete` claims the session there (with a lease) before it
-- assembles a multipart object, so a cancel or an expiry can no longer run between the assembly and
-- the claim. A claim that cannot finish (storage refuses the part list, or the purger finds no bytes
-- behind a claim whose holder died) is released back to `uploading`, where the session can go on or
-- expire as any open one.
INSERT INTO state_transitions (machine, from_state, to_state) VALUES
    ('upload_session', 'uploaded', 'uploading');

-- The purger looks for both lanes whose lease ran out.
DROP INDEX upload_sessions_verifying_lease;
CREATE INDEX upload_sessions_lane_lease ON upload_sessions (lease_until) WHERE state IN ('uploaded', 'verifying');

-- Staged assets that no session owns (proxied uploads) are found by the purger when their request died.
CREATE INDEX assets_staged_updated_idx ON assets (updated_at) WHERE state = 'staged';
