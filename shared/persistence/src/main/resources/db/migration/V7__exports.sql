-- Exports (issue 9): what V1's table lacked. No export was ever written before this migration, so the
-- defaults below only satisfy NOT NULL for an empty table and are dropped again.
--   format           how the rows are written (csv, json, ndjson)
--   checksum_sha256  base64 SHA-256 of the bytes, known once they are all written
--   row_count        rows a generator wrote (NULL for inline content)
--   workflow_id, request_id, labels  the caller's correlation data, bounded
ALTER TABLE exports
    ADD COLUMN format          text NOT NULL DEFAULT 'csv' CHECK (format IN ('csv', 'json', 'ndjson')),
    ADD COLUMN checksum_sha256 text,
    ADD COLUMN row_count       bigint CHECK (row_count >= 0),
    ADD COLUMN workflow_id     text CHECK (length(workflow_id) BETWEEN 1 AND 200),
    ADD COLUMN request_id      text CHECK (length(request_id) BETWEEN 1 AND 200),
    ADD COLUMN labels          jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(labels) = 'object'),
    ADD CHECK (state <> 'ready' OR (byte_size IS NOT NULL AND checksum_sha256 IS NOT NULL));
ALTER TABLE exports ALTER COLUMN format DROP DEFAULT;

-- The purger fails pending exports whose writer outlived its lease (and aborts uploads under their key).
CREATE INDEX exports_pending_idx ON exports (created_at) WHERE state = 'pending';
