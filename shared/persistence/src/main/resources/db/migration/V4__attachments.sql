-- Attachments name an asset at (principal, owner type, owner id, slot); the unique key is V1's.
-- An asset that loses its last attachment is marked detached_at; the purger deletes it (original,
-- variants, then the row) once that is older than the grace, re-checking in the same statement that
-- no attachment references it. Attaching clears detached_at by writing the asset row, so a purge that
-- raced it waits for that row and then sees it cleared.
ALTER TABLE assets ADD COLUMN detached_at timestamptz;
CREATE INDEX assets_detached_idx ON assets (detached_at) WHERE detached_at IS NOT NULL;
CREATE INDEX assets_deleted_idx ON assets (updated_at) WHERE state = 'deleted';

-- A detached asset is purged whatever its variants are doing.
INSERT INTO state_transitions (machine, from_state, to_state) VALUES
    ('asset', 'available', 'deleted'), ('asset', 'processing', 'deleted');
