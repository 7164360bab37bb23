"""Staging: raw.* into staging.* in canonical units, with quarantine and checks (sql/staging/,
sql/meta/, sql/reference/)."""
