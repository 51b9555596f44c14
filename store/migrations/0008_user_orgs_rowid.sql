-- user_orgs as an ordinary (rowid) table, same columns and constraints.
-- SQLite 3.40's PRAGMA integrity_check (Debian 12's sqlite3) reports
-- "NULL value in user_orgs.org" on every row of the STRICT, WITHOUT ROWID
-- form, whose NOT NULL, NOCASE column sits in a UNIQUE constraint outside
-- the primary key: an SQLite bug, but an operator running the standard
-- check would see corruption that is not there.
CREATE TABLE user_orgs_rowid (
	login_key TEXT    NOT NULL REFERENCES users (login_key) ON DELETE CASCADE,
	org       TEXT    NOT NULL COLLATE NOCASE,
	pos       INTEGER NOT NULL, -- order as given
	PRIMARY KEY (login_key, pos),
	UNIQUE (login_key, org)
) STRICT;
INSERT INTO user_orgs_rowid (login_key, org, pos) SELECT login_key, org, pos FROM user_orgs;
DROP TABLE user_orgs;
ALTER TABLE user_orgs_rowid RENAME TO user_orgs;
