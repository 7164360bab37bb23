"""Audit: the quality audit of the screen (sql/audit/)."""
