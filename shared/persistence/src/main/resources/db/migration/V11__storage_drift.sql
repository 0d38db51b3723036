-- The purger's storage-drift scan (ScanStorageDrift) walks the bucket's assets/ and variants/ prefixes and the
-- rows that name objects there side by side, in key order, a bounded page per step; it resumes where the last
-- run stopped. One row holds its position, the running findings of the pass in progress, and the findings
-- of the last completed pass, which the operator report shows. `version` makes each save a compare-and-set,
-- so two overlapping runs cannot both advance the cursor.
CREATE TABLE storage_drift_scan (
    id                     smallint PRIMARY KEY CHECK (id = 1),
    prefix                 text NOT NULL CHECK (prefix IN ('assets/', 'variants/')),
    -- the last key the pass has covered (objects and rows up to it, inclusive); NULL: the prefix's start
    cursor_key             text,
    pass_started_at        timestamptz,
    orphan_objects         bigint NOT NULL DEFAULT 0,
    orphans_deleted        bigint NOT NULL DEFAULT 0,
    missing_asset_objects  bigint NOT NULL DEFAULT 0,
    variants_marked_missing bigint NOT NULL DEFAULT 0,
    examples               text[] NOT NULL DEFAULT '{}',
    last_completed_at      timestamptz,
    last_started_at        timestamptz,
    last_orphan_objects    bigint,
    last_orphans_deleted   bigint,
    last_missing_asset_objects bigint,
    last_variants_marked_missing bigint,
    last_examples          text[],
    version                bigint NOT NULL DEFAULT 0,
    updated_at             timestamptz NOT NULL DEFAULT now()
);
INSERT INTO storage_drift_scan (id, prefix) VALUES (1, 'assets/');

-- The scan reads rows by storage key in byte order, as S3 lists keys: "C" collation indexes serve
-- `storage_key COLLATE "C" > ?` ranges (the default collation's order is not S3's, and V1's unique index on
-- assets.storage_key cannot serve a "C" range).
CREATE INDEX assets_storage_key_c_idx ON assets ((storage_key COLLATE "C")) WHERE storage_key IS NOT NULL;
CREATE INDEX variants_storage_key_c_idx ON variants ((storage_key COLLATE "C")) WHERE storage_key IS NOT NULL;
