# The README's commands. Python 3.11 and make are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Optional extras to install besides the test tools: EXTRAS=test,spark adds PySpark (docs/SCALING.md).
EXTRAS ?= test
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: install demo test ui bench clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt --editable ".[$(EXTRAS)]"
	touch $@

install: $(BIN)/.installed

demo: install  ## generate a synthetic hospital and screen its 90 days
	$(BIN)/masscreen demo
	@echo "masscreen is $(BIN)/masscreen; 'source $(BIN)/activate' puts it on the PATH. The runs: make ui"

test: install  ## run the test suite
	$(BIN)/pytest

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
