-- A claim row holds all of a claim, so that a scan's report need not
-- repeat its claims (tens of megabytes on a large site): the words the rule
-- matched and the R.5122-4 item. Reports stored before this migration keep
-- their claims in their JSON and are read from it.
ALTER TABLE claims ADD COLUMN match TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN r5122_4 TEXT NOT NULL DEFAULT '';
ALTER TABLE scans ADD COLUMN claims_in_table INTEGER NOT NULL DEFAULT 0;
