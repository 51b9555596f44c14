-- The change probe's memory: per repository and collector, the fingerprint
-- (pushedAt, updatedAt, counts: whatever the collector depends on) that the
-- batched GraphQL probe saw just before that collector's last successful
-- detailed refresh of the repository, and when that refresh was. A later
-- probe seeing the same fingerprint lets the collector skip the repository.
-- A failed refresh deletes the row, so the next run refreshes it again.
CREATE TABLE repo_probe (
	repo_key     TEXT    NOT NULL,
	collector    TEXT    NOT NULL,
	repo         TEXT    NOT NULL,
	fingerprint  TEXT    NOT NULL,
	refreshed_at INTEGER NOT NULL,
	PRIMARY KEY (repo_key, collector)
) STRICT;
