"""Screen: every rule for every patient-day and the at-risk days (sql/screen/)."""
