-- floor is where a list's first read started (unix seconds): the store
-- holds every item of the list changed at or after it, and of those changed
-- only before it, nothing (a first sync of issues and comments reads back
-- to collection.issue_history, not the whole history). Analysis reports
-- what a window starting before it would need as unavailable, never as
-- zero. NULL: the list was read from its beginning, as every list was
-- before this migration. Written with the cursor's first row, then only
-- ever moved back, by a deeper read (Store.LowerFloor).
ALTER TABLE cursors ADD COLUMN floor INTEGER;
