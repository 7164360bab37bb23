"""Ingest: loading landed files and configured sources into raw.* (sql/presets/)."""
