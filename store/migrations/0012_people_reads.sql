-- people_reads is when each person's profile (kind 'users') or GitHub
-- Sponsors facts (kind 'sponsors') were last read from GitHub, changed or
-- not: a profile that did not change is not written again (the shared
-- facts' version moves only when one did), so its fetched_at is when it
-- last changed. The people collectors read a person again once a period
-- (collection.people_refresh), spread over its days by the login.
CREATE TABLE people_reads (
	kind      TEXT    NOT NULL,
	login_key TEXT    NOT NULL,
	read_at   INTEGER NOT NULL,
	PRIMARY KEY (kind, login_key)
) STRICT;
