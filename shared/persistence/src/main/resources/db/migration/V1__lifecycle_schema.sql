-- Stowage schema for the whole design (DESIGN.md §3): assets, upload sessions, attachments,
-- variants, exports, staged files and streaming-provider uploads.
--
-- Each state column is guarded twice: a CHECK names the legal states, and a trigger refuses any
-- UPDATE whose old -> new pair is not in state_transitions (the same table the domain's enums hold;
-- a test keeps the two equal). Application code changes state only by compare-and-set:
--   UPDATE ... SET state = :to WHERE id = :id AND state = ANY(:from)
-- and acts on the affected-row count.

CREATE TABLE state_transitions (
    machine    text NOT NULL,
    from_state text NOT NULL,
    to_state   text NOT NULL,
    PRIMARY KEY (machine, from_state, to_state)
);

INSERT INTO state_transitions (machine, from_state, to_state) VALUES
    ('upload_session', 'initialized', 'signed'), ('upload_session', 'initialized', 'aborted'),
    ('upload_session', 'initialized', 'expired'), ('upload_session', 'initialized', 'failed'),
    ('upload_session', 'signed', 'resuming'), ('upload_session', 'signed', 'uploading'),
    ('upload_session', 'signed', 'uploaded'), ('upload_session', 'signed', 'verifying'),
    ('upload_session', 'signed', 'aborted'), ('upload_session', 'signed', 'expired'),
    ('upload_session', 'signed', 'failed'),
    ('upload_session', 'resuming', 'uploading'), ('upload_session', 'resuming', 'aborted'),
    ('upload_session', 'resuming', 'expired'), ('upload_session', 'resuming', 'failed'),
    ('upload_session', 'uploading', 'uploaded'), ('upload_session', 'uploading', 'verifying'),
    ('upload_session', 'uploading', 'aborted'), ('upload_session', 'uploading', 'expired'),
    ('upload_session', 'uploading', 'failed'),
    ('upload_session', 'uploaded', 'verifying'),
    ('upload_session', 'verifying', 'completed'), ('upload_session', 'verifying', 'failed'),

    ('asset', 'staged', 'validating'),
    ('asset', 'validating', 'analyzing'),
    ('asset', 'analyzing', 'promoting'), ('asset', 'analyzing', 'quarantined'),
    ('asset', 'promoting', 'available'),
    ('asset', 'available', 'processing'), ('asset', 'available', 'quarantined'),
    ('asset', 'processing', 'ready'), ('asset', 'processing', 'degraded'), ('asset', 'processing', 'quarantined'),
    ('asset', 'ready', 'degraded'), ('asset', 'ready', 'deleted'),
    ('asset', 'degraded', 'quarantined'), ('asset', 'degraded', 'deleted'),
    ('asset', 'quarantined', 'deleted'),

    ('variant', 'planned', 'queued'), ('variant', 'planned', 'cancelled'),
    ('variant', 'queued', 'processing'), ('variant', 'queued', 'cancelled'),
    ('variant', 'processing', 'ready'), ('variant', 'processing', 'failed'), ('variant', 'processing', 'cancelled'),
    ('variant', 'ready', 'stale'), ('variant', 'ready', 'missing'), ('variant', 'ready', 'purged'),
    ('variant', 'stale', 'queued'), ('variant', 'stale', 'purged'),
    ('variant', 'missing', 'queued'), ('variant', 'missing', 'purged'),
    ('variant', 'failed', 'queued'), ('variant', 'failed', 'purged'),
    ('variant', 'cancelled', 'queued'),

    ('provider_upload', 'pending', 'uploading'), ('provider_upload', 'pending', 'errored'),
    ('provider_upload', 'pending', 'deleted'),
    ('provider_upload', 'uploading', 'processing'), ('provider_upload', 'uploading', 'errored'),
    ('provider_upload', 'uploading', 'deleted'),
    ('provider_upload', 'processing', 'ready'), ('provider_upload', 'processing', 'errored'),
    ('provider_upload', 'ready', 'errored'), ('provider_upload', 'ready', 'deleted'),
    ('provider_upload', 'errored', 'deleted'), ('provider_upload', 'errored', 'processing');

CREATE FUNCTION enforce_state_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NOT EXISTS (
        SELECT 1 FROM state_transitions
         WHERE machine = TG_ARGV[0] AND from_state = OLD.state AND to_state = NEW.state) THEN
        RAISE EXCEPTION 'illegal % transition: % -> %', TG_ARGV[0], OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TABLE assets (
    id                   uuid PRIMARY KEY,
    owner                text NOT NULL,
    profile              text NOT NULL,
    state                text NOT NULL CHECK (state IN ('staged', 'validating', 'analyzing', 'promoting',
                             'available', 'processing', 'ready', 'degraded', 'quarantined', 'deleted')),
    filename             text NOT NULL,
    claimed_content_type text NOT NULL,
    byte_size            bigint NOT NULL CHECK (byte_size > 0),
    checksum_sha256      text,
    staging_key          text NOT NULL UNIQUE,
    storage_key          text UNIQUE,
    -- probe-derived fields: what the bytes are, not what the client said
    content_type         text,
    kind                 text CHECK (kind IN ('image', 'video', 'audio', 'document', 'other')),
    width                integer CHECK (width > 0),
    height               integer CHECK (height > 0),
    orientation          integer CHECK (orientation BETWEEN 1 AND 8),
    duration_ms          bigint CHECK (duration_ms >= 0),
    has_video_track      boolean,
    has_audio_track      boolean,
    quarantine_reason    text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (state <> 'quarantined' OR quarantine_reason IS NOT NULL),
    CHECK (state NOT IN ('available', 'processing', 'ready', 'degraded') OR storage_key IS NOT NULL),
    CHECK (state IN ('staged', 'validating', 'analyzing') OR content_type IS NOT NULL)
);
CREATE INDEX assets_owner_created_idx ON assets (owner, created_at DESC);
CREATE INDEX assets_state_updated_idx ON assets (state, updated_at);
CREATE TRIGGER assets_state_transition BEFORE UPDATE OF state ON assets
    FOR EACH ROW EXECUTE FUNCTION enforce_state_transition('asset');
CREATE TRIGGER assets_touch BEFORE UPDATE ON assets FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE upload_sessions (
    id                  uuid PRIMARY KEY,
    owner               text NOT NULL,
    -- NULL once a session that ended without completing has had its staged asset purged
    asset_id            uuid REFERENCES assets (id) ON DELETE SET NULL,
    profile             text NOT NULL,
    strategy            text NOT NULL CHECK (strategy IN ('presigned_put', 'multipart', 'resumable')),
    state               text NOT NULL CHECK (state IN ('initialized', 'signed', 'resuming', 'uploading',
                            'uploaded', 'verifying', 'completed', 'aborted', 'expired', 'failed')),
    upload_key          text NOT NULL UNIQUE,
    filename            text NOT NULL,
    content_type        text NOT NULL,
    byte_size           bigint NOT NULL CHECK (byte_size > 0),
    checksum_sha256     text,
    -- multipart and resumable sessions: the S3 upload id and the server-computed part plan
    multipart_upload_id text,
    part_size           bigint CHECK (part_size > 0),
    part_count          integer CHECK (part_count BETWEEN 1 AND 10000),
    expires_at          timestamptz NOT NULL,
    failure_reason      text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (strategy = 'presigned_put' OR (part_size IS NOT NULL AND part_count IS NOT NULL)),
    CHECK (state <> 'failed' OR failure_reason IS NOT NULL),
    CHECK (asset_id IS NOT NULL OR state IN ('aborted', 'expired', 'failed'))
);
CREATE UNIQUE INDEX upload_sessions_multipart_idx ON upload_sessions (multipart_upload_id)
    WHERE multipart_upload_id IS NOT NULL;
CREATE INDEX upload_sessions_residue_idx ON upload_sessions (updated_at)
    WHERE state IN ('aborted', 'expired', 'failed') AND asset_id IS NOT NULL;
CREATE INDEX upload_sessions_asset_idx ON upload_sessions (asset_id);
CREATE INDEX upload_sessions_open_expiry_idx ON upload_sessions (expires_at)
    WHERE state NOT IN ('completed', 'aborted', 'expired', 'failed');
CREATE TRIGGER upload_sessions_state_transition BEFORE UPDATE OF state ON upload_sessions
    FOR EACH ROW EXECUTE FUNCTION enforce_state_transition('upload_session');
CREATE TRIGGER upload_sessions_touch BEFORE UPDATE ON upload_sessions
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- An asset attached to one of the caller's own records at a named slot. One asset per slot:
-- attaching again replaces (and purges) the previous asset.
CREATE TABLE attachments (
    id          uuid PRIMARY KEY,
    principal   text NOT NULL,
    owner_type  text NOT NULL CHECK (length(owner_type) BETWEEN 1 AND 100),
    owner_id    text NOT NULL CHECK (length(owner_id) BETWEEN 1 AND 200),
    slot        text NOT NULL CHECK (length(slot) BETWEEN 1 AND 100),
    asset_id    uuid NOT NULL REFERENCES assets (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (principal, owner_type, owner_id, slot)
);
CREATE INDEX attachments_asset_idx ON attachments (asset_id);

CREATE TABLE variants (
    id             uuid PRIMARY KEY,
    asset_id       uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    name           text NOT NULL,
    state          text NOT NULL CHECK (state IN ('planned', 'queued', 'processing', 'ready', 'stale',
                       'missing', 'failed', 'cancelled', 'purged')),
    -- digest of the recipe the variant was rendered from: a changed profile makes it stale
    recipe_digest  text,
    storage_key    text,
    content_type   text,
    byte_size      bigint,
    width          integer,
    height         integer,
    failure_reason text,
    attempts       integer NOT NULL DEFAULT 0,
    queued_at      timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (asset_id, name),
    CHECK (state <> 'ready' OR storage_key IS NOT NULL)
);
CREATE INDEX variants_state_updated_idx ON variants (state, updated_at);
CREATE TRIGGER variants_state_transition BEFORE UPDATE OF state ON variants
    FOR EACH ROW EXECUTE FUNCTION enforce_state_transition('variant');
CREATE TRIGGER variants_touch BEFORE UPDATE ON variants FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Durable downloadable artifacts: small ones inline, large ones offloaded to exports/ in the bucket.
CREATE TABLE exports (
    id           uuid PRIMARY KEY,
    principal    text NOT NULL,
    kind         text NOT NULL,
    filename     text NOT NULL,
    content_type text NOT NULL,
    state        text NOT NULL CHECK (state IN ('pending', 'ready', 'failed')),
    byte_size    bigint CHECK (byte_size >= 0),
    content      bytea,
    storage_key  text,
    failure_reason text,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (state <> 'ready' OR (content IS NOT NULL) <> (storage_key IS NOT NULL))
);
CREATE INDEX exports_principal_idx ON exports (principal, created_at DESC);
CREATE INDEX exports_expiry_idx ON exports (expires_at);

-- Staged-file registry: deduplicated by checksum per principal; objects are content-addressed under
-- staged-files/<sha256>, so an object is deleted only when no row references its checksum.
CREATE TABLE staged_files (
    id              uuid PRIMARY KEY,
    principal       text NOT NULL,
    checksum_sha256 text NOT NULL,
    name            text NOT NULL,
    byte_size       bigint NOT NULL CHECK (byte_size >= 0),
    content_type    text,
    storage_key     text NOT NULL,
    state           text NOT NULL CHECK (state IN ('pending', 'stored')),
    persist         boolean NOT NULL DEFAULT false,
    expires_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (principal, checksum_sha256),
    CHECK (persist OR expires_at IS NOT NULL)
);
CREATE INDEX staged_files_checksum_idx ON staged_files (checksum_sha256);
CREATE INDEX staged_files_expiry_idx ON staged_files (expires_at) WHERE NOT persist;
CREATE TRIGGER staged_files_touch BEFORE UPDATE ON staged_files FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE provider_uploads (
    id                 uuid PRIMARY KEY,
    asset_id           uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    principal          text NOT NULL,
    provider           text NOT NULL,
    provider_upload_id text,
    provider_asset_id  text,
    playback_id        text,
    state              text NOT NULL CHECK (state IN ('pending', 'uploading', 'processing', 'ready',
                           'errored', 'deleted')),
    error              text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, provider_upload_id)
);
CREATE INDEX provider_uploads_asset_idx ON provider_uploads (asset_id);
CREATE TRIGGER provider_uploads_state_transition BEFORE UPDATE OF state ON provider_uploads
    FOR EACH ROW EXECUTE FUNCTION enforce_state_transition('provider_upload');
CREATE TRIGGER provider_uploads_touch BEFORE UPDATE ON provider_uploads
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
