-- Streaming-provider direct uploads (issue 10). The browser sends the bytes to the provider (Mux), never
-- to the bucket, so such an asset has no object of its own:
--   ingest       'storage' (every asset before this migration) or 'streaming'
--   byte_size    0 for a streaming asset: the provider holds the bytes and does not say how many
--   staging_key  'streaming/<id>' for a streaming asset: a marker no S3 event or upload session can name
--   storage_key  stays NULL even when it is ready; the provider's playback id (provider_uploads) serves it
-- and it goes from staged straight to ready when the provider's asset is ready (the transition below; the
-- application's compare-and-set for it names ingest = 'streaming').
ALTER TABLE assets
    ADD COLUMN ingest text NOT NULL DEFAULT 'storage' CHECK (ingest IN ('storage', 'streaming')),
    ADD CONSTRAINT assets_streaming_marker_check
        CHECK (ingest = 'storage' OR staging_key = 'streaming/' || id::text);

ALTER TABLE assets DROP CONSTRAINT assets_byte_size_check;
ALTER TABLE assets ADD CONSTRAINT assets_byte_size_check
    CHECK (byte_size > 0 OR (ingest = 'streaming' AND byte_size = 0));

-- V1's unnamed "servable states have a storage key" check, found by what it says rather than by the name
-- PostgreSQL generated for it.
DO $$
DECLARE
    name text;
BEGIN
    SELECT conname INTO STRICT name FROM pg_constraint
     WHERE conrelid = 'assets'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%storage_key IS NOT NULL%';
    EXECUTE format('ALTER TABLE assets DROP CONSTRAINT %I', name);
END $$;
ALTER TABLE assets ADD CONSTRAINT assets_servable_stored_check
    CHECK (state NOT IN ('available', 'processing', 'ready', 'degraded') OR storage_key IS NOT NULL
           OR ingest = 'streaming');

INSERT INTO state_transitions (machine, from_state, to_state) VALUES ('asset', 'staged', 'ready');

-- The purger expires provider uploads still open past their profile's timeout, oldest first.
CREATE INDEX provider_uploads_open_idx ON provider_uploads (created_at) WHERE state IN ('pending', 'uploading');
