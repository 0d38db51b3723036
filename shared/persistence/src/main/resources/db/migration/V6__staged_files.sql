-- The staged-file registry (issue 9). V1's table had no live rows: nothing wrote it before this change.
-- An entry is `pending` (declared; the presigned PUT not confirmed yet) or `present` (its S3 event found the
-- content-addressed object with the SHA-256 its key names). V1's `stored` is renamed.
UPDATE staged_files SET state = 'present' WHERE state = 'stored';
ALTER TABLE staged_files DROP CONSTRAINT staged_files_state_check;
ALTER TABLE staged_files ADD CONSTRAINT staged_files_state_check CHECK (state IN ('pending', 'present'));

-- The TTL a re-stage slides expires_at forward by; NULL exactly when the entry is persisted.
ALTER TABLE staged_files ADD COLUMN ttl_seconds bigint CHECK (ttl_seconds > 0);
ALTER TABLE staged_files ADD CONSTRAINT staged_files_ttl_check
    CHECK ((persist AND ttl_seconds IS NULL AND expires_at IS NULL)
        OR (NOT persist AND ttl_seconds IS NOT NULL AND expires_at IS NOT NULL)) NOT VALID;

-- The caller's listing pages by (created_at, id); the unique (principal, checksum) key serves staging and
-- V1's checksum index the reference count; V1's partial expiry index serves the purge.
CREATE INDEX staged_files_listing_idx ON staged_files (principal, created_at, id);
