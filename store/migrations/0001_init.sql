-- 0001: the first schema.
--
-- Conventions:
--   * times are INTEGER unix seconds UTC; NULL means "unknown" (time.Time{});
--   * repo_key / *_key columns hold the lower-cased natural key (GitHub repo
--     names and logins are case-insensitive); the display form sits beside it;
--   * natural keys are primary keys, so upserts are idempotent;
--   * fact tables carry no foreign key to repos: collectors may write facts of
--     a repository before its metadata, and a failed repo refresh must not
--     block them.

CREATE TABLE repos (
	repo_key        TEXT    NOT NULL PRIMARY KEY,
	full_name       TEXT    NOT NULL,
	github_id       INTEGER NOT NULL DEFAULT 0,
	description     TEXT    NOT NULL DEFAULT '',
	stars           INTEGER NOT NULL DEFAULT 0,
	forks           INTEGER NOT NULL DEFAULT 0,
	watchers        INTEGER NOT NULL DEFAULT 0,
	open_issues     INTEGER NOT NULL DEFAULT 0,
	archived        INTEGER NOT NULL DEFAULT 0,
	disabled        INTEGER NOT NULL DEFAULT 0,
	fork            INTEGER NOT NULL DEFAULT 0,
	default_branch  TEXT    NOT NULL DEFAULT '',
	license         TEXT    NOT NULL DEFAULT '',
	owner_type      TEXT    NOT NULL DEFAULT '',
	language        TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER,
	pushed_at       INTEGER,
	updated_at      INTEGER,
	funding_yml     TEXT    NOT NULL DEFAULT '',
	has_funding_yml INTEGER NOT NULL DEFAULT 0,
	collected_at    INTEGER
) STRICT;

CREATE TABLE commits (
	repo_key            TEXT    NOT NULL,
	repo                TEXT    NOT NULL,
	sha                 TEXT    NOT NULL,
	author_name         TEXT    NOT NULL DEFAULT '',
	author_email        TEXT    NOT NULL DEFAULT '',
	author_login        TEXT    NOT NULL DEFAULT '',
	author_login_key    TEXT    NOT NULL DEFAULT '',
	author_time         INTEGER,
	author_tz_known     INTEGER NOT NULL DEFAULT 0,
	author_tz_offset    INTEGER NOT NULL DEFAULT 0, -- minutes east of UTC
	committer_name      TEXT    NOT NULL DEFAULT '',
	committer_email     TEXT    NOT NULL DEFAULT '',
	committer_login     TEXT    NOT NULL DEFAULT '',
	committer_login_key TEXT    NOT NULL DEFAULT '',
	committer_time      INTEGER,
	parents             INTEGER NOT NULL DEFAULT 0,
	message             TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (repo_key, sha)
) STRICT, WITHOUT ROWID;

-- Commits(repo, from, to): range scan in output order.
CREATE INDEX commits_repo_time ON commits (repo_key, author_time, sha);
-- ActiveLogins(since): covering partial indexes.
CREATE INDEX commits_author_active ON commits (author_time, author_login_key)
	WHERE author_login_key <> '';
CREATE INDEX commits_committer_active ON commits (committer_time, committer_login_key)
	WHERE committer_login_key <> '';

CREATE TABLE issues (
	repo_key   TEXT    NOT NULL,
	repo       TEXT    NOT NULL,
	number     INTEGER NOT NULL,
	is_pull    INTEGER NOT NULL DEFAULT 0,
	title      TEXT    NOT NULL DEFAULT '',
	author     TEXT    NOT NULL DEFAULT '',
	author_key TEXT    NOT NULL DEFAULT '',
	author_bot INTEGER NOT NULL DEFAULT 0,
	state      TEXT    NOT NULL DEFAULT '',
	comments   INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER,
	updated_at INTEGER,
	closed_at  INTEGER,
	merged_at  INTEGER,
	PRIMARY KEY (repo_key, number)
) STRICT, WITHOUT ROWID;

CREATE INDEX issues_author_active ON issues (created_at, author_key)
	WHERE author_key <> '';

CREATE TABLE comments (
	repo_key     TEXT    NOT NULL,
	repo         TEXT    NOT NULL,
	id           INTEGER NOT NULL,
	issue_number INTEGER NOT NULL DEFAULT 0,
	author       TEXT    NOT NULL DEFAULT '',
	author_key   TEXT    NOT NULL DEFAULT '',
	author_bot   INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER,
	updated_at   INTEGER,
	PRIMARY KEY (repo_key, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX comments_repo_time ON comments (repo_key, created_at, id);
CREATE INDEX comments_author_active ON comments (created_at, author_key)
	WHERE author_key <> '';

CREATE TABLE releases (
	repo_key     TEXT    NOT NULL,
	repo         TEXT    NOT NULL,
	id           INTEGER NOT NULL,
	tag_name     TEXT    NOT NULL DEFAULT '',
	name         TEXT    NOT NULL DEFAULT '',
	author       TEXT    NOT NULL DEFAULT '',
	author_key   TEXT    NOT NULL DEFAULT '',
	draft        INTEGER NOT NULL DEFAULT 0,
	prerelease   INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER,
	published_at INTEGER,
	PRIMARY KEY (repo_key, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
	login_key  TEXT    NOT NULL PRIMARY KEY,
	login      TEXT    NOT NULL,
	github_id  INTEGER NOT NULL DEFAULT 0,
	type       TEXT    NOT NULL DEFAULT '',
	name       TEXT    NOT NULL DEFAULT '',
	company    TEXT    NOT NULL DEFAULT '',
	email      TEXT    NOT NULL DEFAULT '',
	location   TEXT    NOT NULL DEFAULT '',
	blog       TEXT    NOT NULL DEFAULT '',
	created_at INTEGER,
	fetched_at INTEGER
) STRICT;

CREATE TABLE user_orgs (
	login_key TEXT    NOT NULL REFERENCES users (login_key) ON DELETE CASCADE,
	org       TEXT    NOT NULL COLLATE NOCASE,
	pos       INTEGER NOT NULL, -- order as given
	PRIMARY KEY (login_key, pos),
	UNIQUE (login_key, org)
) STRICT, WITHOUT ROWID;

CREATE TABLE cursors (
	repo_key TEXT NOT NULL,
	endpoint TEXT NOT NULL,
	repo     TEXT NOT NULL,
	since    INTEGER,
	etag     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (repo_key, endpoint)
) STRICT, WITHOUT ROWID;

CREATE TABLE etags (
	url        TEXT    NOT NULL PRIMARY KEY,
	etag       TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE runs (
	id        INTEGER PRIMARY KEY,
	collector TEXT    NOT NULL,
	started   INTEGER,
	finished  INTEGER,
	ok        INTEGER NOT NULL DEFAULT 0,
	error     TEXT    NOT NULL DEFAULT '',
	repos     INTEGER NOT NULL DEFAULT 0,
	failed    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX runs_collector_started ON runs (collector, started, id);

CREATE TABLE repo_status (
	repo_key     TEXT NOT NULL,
	collector    TEXT NOT NULL,
	repo         TEXT NOT NULL,
	last_attempt INTEGER,
	last_success INTEGER,
	last_error   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (repo_key, collector)
) STRICT, WITHOUT ROWID;
