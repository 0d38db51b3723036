-- The purger deletes published outbox events past their retention (stowage.purge.outbox-retention), oldest
-- first, a bounded batch per statement: this index finds them without reading the unpublished ones, which
-- are never deleted.
CREATE INDEX outbox_events_published_idx ON outbox_events (published_at) WHERE published_at IS NOT NULL;
