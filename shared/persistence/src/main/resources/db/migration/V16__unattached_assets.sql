-- An asset nobody ever attaches (an abandoned form, a client that crashed between upload and attach) was
-- kept for good: the purger deleted only assets that lost their last attachment (V4's detached_at). Now every
-- asset is born unattached_since its insert; the first attach clears it (in the same UPDATE that clears
-- detached_at), and the purger deletes a never-attached asset once that is older than
-- stowage.purge.unattached-grace, re-checking in the same statement that no attachment references it.
--
-- Why a column and not "no attachment row": a purge that races an attach must see the asset taken. The attach
-- writes the asset row before it inserts its attachment, so the purge's UPDATE waits for that row and then
-- re-checks its WHERE against the new row version; only a column the attach changes is seen there (a sub-select
-- on attachments still reads the purge's older snapshot). detached_at works that way for detached assets; this
-- is its twin for assets never attached.
--
-- Existing rows: the default gives every row the time of this migration (a constant, so no table rewrite),
-- then every asset that is or was attached goes back to NULL. A never-attached asset of an existing stack is
-- therefore kept one whole grace after the upgrade, never purged by the upgrade itself.
-- The touch trigger is off for that one statement: clearing the new column is not a change of the asset.
ALTER TABLE assets ADD COLUMN unattached_since timestamptz DEFAULT now();
ALTER TABLE assets DISABLE TRIGGER assets_touch;
UPDATE assets a SET unattached_since = NULL
 WHERE a.detached_at IS NOT NULL OR EXISTS (SELECT 1 FROM attachments t WHERE t.asset_id = a.id);
ALTER TABLE assets ENABLE TRIGGER assets_touch;
CREATE INDEX assets_unattached_idx ON assets (unattached_since) WHERE unattached_since IS NOT NULL;
