-- The staged-file registry (issue 9). An entry is `pending` (declared; its presigned PUT not confirmed yet)
-- or `present` (its S3 event found the content-addressed object with the SHA-256 its key names): V1's
-- `stored` is renamed. Nothing wrote the table before this change; rows, if any, are carried over.
ALTER TABLE staged_files DROP CONSTRAINT staged_files_state_check;
UPDATE staged_files SET state = 'present' WHERE state = 'stored';
ALTER TABLE staged_files ADD CONSTRAINT staged_files_state_check CHECK (state IN ('pending', 'present'));

-- The TTL a re-stage slides expires_at forward by: NULL exactly when the entry is persisted (which V1
-- allowed with an expiry too; persisted means it never expires).
ALTER TABLE staged_files ADD COLUMN ttl_seconds bigint CHECK (ttl_seconds > 0);
UPDATE staged_files SET expires_at = NULL WHERE persist;
UPDATE staged_files SET ttl_seconds = greatest(1, ceil(extract(epoch FROM expires_at - created_at)))::bigint
 WHERE NOT persist;
ALTER TABLE staged_files ADD CONSTRAINT staged_files_ttl_check
    CHECK ((persist AND ttl_seconds IS NULL AND expires_at IS NULL)
        OR (NOT persist AND ttl_seconds IS NOT NULL AND expires_at IS NOT NULL));

-- The caller's listing pages by (created_at, id). V1's unique (principal, checksum) serves staging, its
-- checksum index the reference count, its partial expiry index the purge.
CREATE INDEX staged_files_listing_idx ON staged_files (principal, created_at, id);
