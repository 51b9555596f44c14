-- GitHub Sponsors facts per account (repository owners and active
-- maintainers), from GraphQL. One row per login; a failed fetch leaves the
-- row alone, so it always holds the last answer GitHub gave.
--   sponsors_count: active sponsorships, private ones included;
--   private_count:  of which private (GitHub counts them, never names them);
--   goal_*:         the listing's active goal; goal_kind '' when none.
CREATE TABLE sponsors (
	login_key        TEXT    NOT NULL PRIMARY KEY,
	login            TEXT    NOT NULL,
	has_listing      INTEGER NOT NULL DEFAULT 0,
	sponsors_count   INTEGER NOT NULL DEFAULT 0,
	private_count    INTEGER NOT NULL DEFAULT 0,
	goal_kind        TEXT    NOT NULL DEFAULT '',
	goal_target      INTEGER NOT NULL DEFAULT 0,
	goal_percent     INTEGER NOT NULL DEFAULT 0,
	goal_title       TEXT    NOT NULL DEFAULT '',
	collected_at     INTEGER NOT NULL
) STRICT;
