-- The operator report (GET /v1/ops/status) reads every lifecycle table by state: exact counts by state
-- (index-only scans), the oldest row of each transient state (the first entry of a (state, time) index) and
-- stuck work (a range of it). Assets already have (state, updated_at) and variants theirs (V1); these give
-- the other tables theirs, and the profile filter its own (variants and provider uploads reach a profile
-- through their asset, by asset_id).
CREATE INDEX upload_sessions_state_updated_idx ON upload_sessions (state, updated_at);
CREATE INDEX upload_sessions_profile_state_idx ON upload_sessions (profile, state, updated_at);
CREATE INDEX assets_profile_state_idx ON assets (profile, state, updated_at);
CREATE INDEX provider_uploads_state_updated_idx ON provider_uploads (state, updated_at);
CREATE INDEX exports_state_created_idx ON exports (state, created_at);
CREATE INDEX staged_files_state_updated_idx ON staged_files (state, updated_at);
