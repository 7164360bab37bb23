"""MAS screen: a nightly batch pipeline that flags patients at risk of macrophage activation syndrome."""

import warnings

__version__ = "0.1.0"

# With the optional Spark extra installed, Great Expectations imports PySpark, which warns on every
# start that it does not yet support pandas 3 (pandas is a dependency of Great Expectations; no
# Spark code of this package uses pandas). The warning says nothing about this pipeline's data.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
