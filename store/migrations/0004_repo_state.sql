-- What GitHub says about a watched repository's name, beyond its data:
--   gone:       '' while GitHub serves it; 'not_found' after a 404 (deleted,
--               or made private); 'blocked' after a 451 (legal block);
--   gone_since: when it was first seen gone (the instant its signals are
--               frozen at), NULL while served;
--   renamed_to: the full name GitHub now gives it when the watched name
--               redirects (renamed or transferred), '' when it does not.
-- Collected facts stay under the watched name; this row only says why they
-- stopped, or where they come from now.
CREATE TABLE repo_state (
	repo_key   TEXT NOT NULL PRIMARY KEY,
	repo       TEXT NOT NULL,
	gone       TEXT NOT NULL DEFAULT '',
	gone_since INTEGER,
	renamed_to TEXT NOT NULL DEFAULT ''
) STRICT;
