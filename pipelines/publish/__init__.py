"""Publish: the read-only snapshot, the data dictionary and the report (sql/report/)."""
