-- The last complete listing of each watched account's repositories (an
-- `org:` watch item), so that a listing GitHub cannot give now (unreachable,
-- the budget spent) falls back to it, across restarts, instead of dropping
-- the account's repositories from the watch list.
--   repos:     JSON array of {"name", "fork", "archived"};
--   listed_at: when GitHub gave it.
CREATE TABLE account_listings (
	account_key TEXT    NOT NULL PRIMARY KEY,
	account     TEXT    NOT NULL,
	repos       TEXT    NOT NULL,
	listed_at   INTEGER NOT NULL
) STRICT;
