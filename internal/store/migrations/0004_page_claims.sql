-- A page's report is stored without its claims, which the claims rows hold
-- once for the scan: its claims are the rows of seq claims_from to
-- claims_from + claims_count - 1. Pages stored before this migration (both
-- NULL) keep their claims in their JSON and are read from it.
ALTER TABLE pages ADD COLUMN claims_from INTEGER;
ALTER TABLE pages ADD COLUMN claims_count INTEGER;
