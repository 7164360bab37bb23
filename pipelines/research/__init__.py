"""Research: the de-identified release (sql/research/) and `masscreen query`."""
