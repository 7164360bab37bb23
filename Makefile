# The README's commands. Python 3.11 and make are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The Spark tests run in an environment of their own (.venv-spark, `make test-spark`: .venv's
# packages plus the extra .[spark]), so that `make test` needs neither PySpark nor Java.
SPARK_VENV := .venv-spark
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: install demo test test-spark ui bench clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt --editable ".[test]"
	touch $@

install: $(BIN)/.installed

demo: install  ## generate a synthetic hospital and screen its 90 days
	$(BIN)/masscreen demo
	@echo "masscreen is $(BIN)/masscreen; 'source $(BIN)/activate' puts it on the PATH. The runs: make ui"

test: install  ## run the test suite (the Spark equivalence tests are make test-spark)
	$(BIN)/pytest -m "not spark"

$(SPARK_VENV)/bin/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/pip install --quiet --constraint constraints.txt --editable ".[test,spark]"
	touch $@

test-spark: $(SPARK_VENV)/bin/.installed  ## the feature and screen stages on PySpark (Java 17+) against DuckDB
	$(SPARK_VENV)/bin/pytest -m spark

ui: install  ## the Dagster UI on http://127.0.0.1:3000 (after make demo)
	MASSCREEN_WAREHOUSE=$(CURDIR)/var/demo/warehouse.duckdb MASSCREEN_LANDING=$(CURDIR)/var/demo/landing \
		$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

BENCH_SIZES ?= S M L
bench: install  ## hospitals of 1M/10M/100M lab rows vs the floor, 1x/10x history, 10M-row ingest (docs/BENCHMARKS.md)
	$(BIN)/python -m pipelines.bench sizes $(BENCH_SIZES)
	$(BIN)/python -m pipelines.bench pipeline
	$(BIN)/python -m pipelines.bench ingest --rows 10000000
	$(BIN)/python -m pipelines.bench report --flagged 50

clean:
	rm -rf var .dagster_home/storage .dagster_home/history .dagster_home/schedules .dagster_home/logs
