"""Features: the rule file and the windowed features per patient and day (sql/features/), and
the days a run's loads changed (sql/meta/changed_days.sql)."""
