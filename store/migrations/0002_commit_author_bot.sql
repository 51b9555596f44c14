-- A source may know that a commit's author is automation when nothing in the
-- commit says so any more (pseudonymised histories carry only a flag).
ALTER TABLE commits ADD COLUMN author_bot INTEGER NOT NULL DEFAULT 0;
