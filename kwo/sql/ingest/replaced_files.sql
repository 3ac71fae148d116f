-- replaced_files: the parts that hold replaced rows (each is rewritten without them).
-- Parameters: none.
-- depends: replaced
SELECT DISTINCT filename FROM replaced ORDER BY 1;
