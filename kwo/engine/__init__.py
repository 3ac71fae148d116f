"""The seam between kwo and the SQL engine that runs its statements.

Everything that knows which engine runs the SQL lives here: ``duckdb.py`` (the default and the
reference) opens connections over an archive with kwo's memory cap, spill folder and scratch
files (``spill.py``), and the read-only sandbox of ``kwo sql``. The rest of kwo asks this package
for a connection and runs named statements through ``kwo.sql``.
"""
