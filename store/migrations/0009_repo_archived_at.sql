-- When GitHub says the repository was archived (GraphQL archivedAt; REST
-- gives only the flag). NULL: not archived, or the date is not known. An
-- analysis of a past instant uses it to tell a project retired since from
-- one still maintained then.
ALTER TABLE repos ADD COLUMN archived_at INTEGER;
