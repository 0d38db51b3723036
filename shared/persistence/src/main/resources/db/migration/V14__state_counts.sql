-- Counts by state for the operator report, kept as the states change instead of counted when asked: an exact
-- GROUP BY over a million assets and three million variants scans them sequentially and took seconds (bench (j)).
--
-- Writers never contend: every insert, delete and state change appends its -1 / +1 to state_count_changes (an
-- unindexed, append-only log, no row ever updated), and the purger folds the log into state_counts each run
-- (JdbcStateCounts.compact: one DELETE ... RETURNING feeding one upsert, in one transaction). A reader sums
-- state_counts and the log in one statement, so it sees the counts either before or after a fold, never half.
--
-- The same trigger keeps every machine, like the outbox's (V12), so no compare-and-set anywhere can change a
-- state and leave the counts behind; a rolled-back change takes its entries with it.
--
--   machine  upload | asset | variant | provider_upload | export | staged_file
--   profile  the row's profile (a variant's and a provider upload's: their asset's); '' where there is none
CREATE TABLE state_counts (
    machine text NOT NULL,
    profile text NOT NULL,
    state   text NOT NULL,
    n       bigint NOT NULL,
    PRIMARY KEY (machine, profile, state)
);

CREATE TABLE state_count_changes (
    machine text NOT NULL,
    profile text NOT NULL,
    state   text NOT NULL,
    delta   integer NOT NULL
);

-- TG_ARGV[0] is the machine, TG_ARGV[1] where its profile is: 'row', 'asset' (the row's asset_id) or 'none'.
CREATE FUNCTION count_state_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p text := '';
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state IS NOT DISTINCT FROM OLD.state THEN
        RETURN NULL;
    END IF;
    IF TG_ARGV[1] = 'row' THEN
        IF TG_OP = 'INSERT' THEN
            p := NEW.profile;
        ELSE
            p := OLD.profile;
        END IF;
    ELSIF TG_ARGV[1] = 'asset' THEN
        IF TG_OP = 'INSERT' THEN
            SELECT a.profile INTO p FROM assets a WHERE a.id = NEW.asset_id;
        ELSE
            SELECT a.profile INTO p FROM assets a WHERE a.id = OLD.asset_id;
        END IF;
        IF p IS NULL THEN
            -- Deleted with its asset (ON DELETE CASCADE): count_asset_dependents counted it before the asset went.
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO state_count_changes VALUES (TG_ARGV[0], p, NEW.state, 1);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO state_count_changes VALUES (TG_ARGV[0], p, OLD.state, -1);
    ELSE
        INSERT INTO state_count_changes VALUES (TG_ARGV[0], p, OLD.state, -1), (TG_ARGV[0], p, NEW.state, 1);
    END IF;
    RETURN NULL;
END $$;

-- Before an asset row goes, its variants and provider uploads (which go with it by cascade, when the asset's
-- profile can no longer be read) are counted out. They are locked first, so a worker's state change that
-- commits meanwhile is counted once, by whichever runs first.
CREATE FUNCTION count_asset_dependents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO state_count_changes
    SELECT 'variant', OLD.profile, v.state, -count(*)
      FROM (SELECT state FROM variants WHERE asset_id = OLD.id FOR UPDATE) v GROUP BY v.state
    UNION ALL
    SELECT 'provider_upload', OLD.profile, u.state, -count(*)
      FROM (SELECT state FROM provider_uploads WHERE asset_id = OLD.id FOR UPDATE) u GROUP BY u.state;
    RETURN OLD;
END $$;

-- The counts as the tables have them now: what state_counts plus the log must always sum to (a full scan of
-- every lifecycle table, for repairs and tests, never for the report).
CREATE VIEW state_counts_counted AS
    SELECT 'upload' AS machine, profile, state, count(*) AS n FROM upload_sessions GROUP BY profile, state
    UNION ALL
    SELECT 'asset', profile, state, count(*) FROM assets GROUP BY profile, state
    UNION ALL
    SELECT 'variant', a.profile, v.state, count(*) FROM variants v JOIN assets a ON a.id = v.asset_id
     GROUP BY a.profile, v.state
    UNION ALL
    SELECT 'provider_upload', a.profile, u.state, count(*) FROM provider_uploads u JOIN assets a ON a.id = u.asset_id
     GROUP BY a.profile, u.state
    UNION ALL
    SELECT 'export', '', state, count(*) FROM exports GROUP BY state
    UNION ALL
    SELECT 'staged_file', '', state, count(*) FROM staged_files GROUP BY state;

-- Rebuilds state_counts from the tables, exactly. It locks the lifecycle tables against writes for as long as
-- it counts (seconds on millions of rows): this migration uses it once; after that it is a repair, not routine.
CREATE FUNCTION recount_states() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE upload_sessions, assets, variants, provider_uploads, exports, staged_files,
               state_counts, state_count_changes IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM state_count_changes;
    DELETE FROM state_counts;
    INSERT INTO state_counts (machine, profile, state, n) SELECT machine, profile, state, n FROM state_counts_counted;
END $$;

CREATE TRIGGER upload_sessions_state_count AFTER INSERT OR DELETE OR UPDATE OF state ON upload_sessions
    FOR EACH ROW EXECUTE FUNCTION count_state_change('upload', 'row');
CREATE TRIGGER assets_state_count AFTER INSERT OR DELETE OR UPDATE OF state ON assets
    FOR EACH ROW EXECUTE FUNCTION count_state_change('asset', 'row');
CREATE TRIGGER assets_dependents_count BEFORE DELETE ON assets
    FOR EACH ROW EXECUTE FUNCTION count_asset_dependents();
CREATE TRIGGER variants_state_count AFTER INSERT OR DELETE OR UPDATE OF state ON variants
    FOR EACH ROW EXECUTE FUNCTION count_state_change('variant', 'asset');
CREATE TRIGGER provider_uploads_state_count AFTER INSERT OR DELETE OR UPDATE OF state ON provider_uploads
    FOR EACH ROW EXECUTE FUNCTION count_state_change('provider_upload', 'asset');
CREATE TRIGGER exports_state_count AFTER INSERT OR DELETE OR UPDATE OF state ON exports
    FOR EACH ROW EXECUTE FUNCTION count_state_change('export', 'none');
CREATE TRIGGER staged_files_state_count AFTER INSERT OR DELETE OR UPDATE OF state ON staged_files
    FOR EACH ROW EXECUTE FUNCTION count_state_change('staged_file', 'none');

SELECT recount_states();
