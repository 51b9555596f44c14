-- fact_versions counts the writes to each repository's facts (key: its
-- repo_key) and to the facts every analysis shares (key: '*people':
-- profiles and sponsors). A refresh re-analyses only repositories whose
-- count moved since it last analysed them.
CREATE TABLE fact_versions (
	key     TEXT    NOT NULL PRIMARY KEY,
	version INTEGER NOT NULL
) STRICT;

-- authors holds each repository's distinct commit authors (login, e-mail,
-- name): who is who is worked out across the whole watch list from these,
-- without reading every commit of every repository into memory.
CREATE TABLE authors (
	repo_key TEXT NOT NULL,
	login    TEXT NOT NULL,
	email    TEXT NOT NULL,
	name     TEXT NOT NULL,
	UNIQUE (repo_key, login, email, name)
) STRICT;
INSERT OR IGNORE INTO authors (repo_key, login, email, name)
	SELECT DISTINCT repo_key, author_login, author_email, author_name FROM commits;
