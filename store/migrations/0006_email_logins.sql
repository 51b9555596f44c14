-- Which GitHub account a commit email is linked to, as GitHub answered for
-- one commit made with it. Commit history read over git has emails, not
-- logins; asking GitHub costs quota, so each email is asked once (and an
-- unlinked one again only after a while: people link addresses later).
--   login:      '' when GitHub links the email to no account;
--   checked_at: when GitHub was asked.
CREATE TABLE email_logins (
	email_key  TEXT    NOT NULL PRIMARY KEY,
	email      TEXT    NOT NULL,
	login      TEXT    NOT NULL,
	checked_at INTEGER NOT NULL
) STRICT;

-- Commits are looked up by email: those REST stored link emails to
-- logins, and an answer fills in the logins of every commit with the email.
CREATE INDEX commits_author_email ON commits (lower(author_email));
CREATE INDEX commits_committer_email ON commits (lower(committer_email));
