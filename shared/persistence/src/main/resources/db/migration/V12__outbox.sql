-- The lifecycle outbox: every outcome a client waits for, written in the same transaction as the state change
-- that produced it, and published to EventBridge by the events relay (RelayEvents) at least once.
--
-- One mechanism writes it for every machine: an AFTER trigger on the state column of each table, so no
-- compare-and-set anywhere in the code (the use cases', the purger's, a future one's) can change a state and
-- forget the event, and a rolled-back change leaves no event behind. V1 already enforces the machines'
-- transitions with triggers on the same columns; this sits beside them.
--
--   seq               the cursor: GET /v1/events?after=seq, and the relay's order
--   event_id          generated once with the row: the consumer's dedupe key, stable across relay retries
--   principal_digest  SHA-256 of the owning principal, hex; the raw principal is never stored here
--   subject_id        the row whose state changed (session, asset, variant, export or provider upload)
--   published_at      NULL until the relay's PutEvents accepted the entry
CREATE TABLE outbox_events (
    seq              bigserial PRIMARY KEY,
    event_id         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    type             text NOT NULL CHECK (type IN ('upload.completed', 'upload.expired', 'upload.aborted',
                         'asset.available', 'asset.ready', 'asset.degraded', 'asset.quarantined', 'asset.deleted',
                         'variant.failed', 'export.ready', 'provider_upload.ready', 'provider_upload.errored')),
    principal_digest text NOT NULL CHECK (principal_digest ~ '^[0-9a-f]{64}$'),
    profile          text,
    subject_id       uuid NOT NULL,
    asset_id         uuid,
    session_id       uuid,
    variant_name     text,
    reason           text,
    occurred_at      timestamptz NOT NULL DEFAULT now(),
    published_at     timestamptz
);
CREATE INDEX outbox_events_principal_idx ON outbox_events (principal_digest, seq);
CREATE INDEX outbox_events_unpublished_idx ON outbox_events (seq) WHERE published_at IS NULL;

CREATE FUNCTION principal_digest(principal text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT encode(sha256(convert_to(principal, 'UTF8')), 'hex')
$$;

-- TG_ARGV[0] is the machine; NEW.state is one of the outcomes the trigger's WHEN clause lets through.
CREATE FUNCTION write_outbox_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a assets%ROWTYPE;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state IS NOT DISTINCT FROM OLD.state THEN
        RETURN NULL;
    END IF;
    CASE TG_ARGV[0]
    WHEN 'upload' THEN
        INSERT INTO outbox_events (type, principal_digest, profile, subject_id, asset_id, session_id)
        VALUES ('upload.' || NEW.state, principal_digest(NEW.owner), NEW.profile, NEW.id, NEW.asset_id, NEW.id);
    WHEN 'asset' THEN
        INSERT INTO outbox_events (type, principal_digest, profile, subject_id, asset_id, session_id, reason)
        VALUES ('asset.' || NEW.state, principal_digest(NEW.owner), NEW.profile, NEW.id, NEW.id,
                (SELECT s.id FROM upload_sessions s WHERE s.asset_id = NEW.id ORDER BY s.created_at LIMIT 1),
                CASE WHEN NEW.state = 'quarantined' THEN NEW.quarantine_reason END);
    WHEN 'variant' THEN
        SELECT * INTO a FROM assets WHERE id = NEW.asset_id;
        INSERT INTO outbox_events (type, principal_digest, profile, subject_id, asset_id, variant_name, reason)
        VALUES ('variant.' || NEW.state, principal_digest(a.owner), a.profile, NEW.id, NEW.asset_id, NEW.name,
                NEW.failure_reason);
    WHEN 'export' THEN
        INSERT INTO outbox_events (type, principal_digest, subject_id)
        VALUES ('export.' || NEW.state, principal_digest(NEW.principal), NEW.id);
    WHEN 'provider_upload' THEN
        SELECT * INTO a FROM assets WHERE id = NEW.asset_id;
        INSERT INTO outbox_events (type, principal_digest, profile, subject_id, asset_id, reason)
        VALUES ('provider_upload.' || NEW.state, principal_digest(NEW.principal), a.profile, NEW.id, NEW.asset_id,
                CASE WHEN NEW.state = 'errored' THEN NEW.error END);
    END CASE;
    RETURN NULL;
END $$;

CREATE TRIGGER upload_sessions_outbox AFTER INSERT OR UPDATE OF state ON upload_sessions
    FOR EACH ROW WHEN (NEW.state IN ('completed', 'expired', 'aborted'))
    EXECUTE FUNCTION write_outbox_event('upload');
CREATE TRIGGER assets_outbox AFTER INSERT OR UPDATE OF state ON assets
    FOR EACH ROW WHEN (NEW.state IN ('available', 'ready', 'degraded', 'quarantined', 'deleted'))
    EXECUTE FUNCTION write_outbox_event('asset');
CREATE TRIGGER variants_outbox AFTER INSERT OR UPDATE OF state ON variants
    FOR EACH ROW WHEN (NEW.state = 'failed')
    EXECUTE FUNCTION write_outbox_event('variant');
CREATE TRIGGER exports_outbox AFTER INSERT OR UPDATE OF state ON exports
    FOR EACH ROW WHEN (NEW.state = 'ready')
    EXECUTE FUNCTION write_outbox_event('export');
CREATE TRIGGER provider_uploads_outbox AFTER INSERT OR UPDATE OF state ON provider_uploads
    FOR EACH ROW WHEN (NEW.state IN ('ready', 'errored'))
    EXECUTE FUNCTION write_outbox_event('provider_upload');
