-- Issue 13: placeholder, filled in by its branch.
SELECT 1;
