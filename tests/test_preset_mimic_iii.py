"""The MIMIC-III demo (real, de-identified; ../shared/data) through `masscreen run --config`."""

import csv
import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.core.warehouse import connect

MIMIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "mimic-iii-demo"
pytestmark = pytest.mark.skipif(not (MIMIC / "LABEVENTS.csv.gz").exists(),
                                reason=f"MIMIC-III demo not found at {MIMIC}")
TZ = "America/New_York"


def rows_in(name: str) -> int:
    with gzip.open(MIMIC / name, "rt", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mimic")
    config = folder / "site.yaml"
    config.write_text(f"""timezone: {TZ}
partition_start: 1900-01-01
sources:
  - name: mimic-iii-demo
    preset: mimic_iii
    path: {MIMIC}
    shift_years: -200
""")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MASSCREEN_", "DAGSTER_HOME"))}
    env["DAGSTER_HOME"] = str(folder / "dagster_home")
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--config", str(config),
                             "--warehouse", str(folder / "w.duckdb"), "--start", "1960-01-01", "--end", "1960-03-31"],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "w.duckdb"


def test_every_row_of_the_extract_is_accounted_for(warehouse):
    with connect(warehouse, TZ, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM meta.load_reconciliation WHERE NOT balanced").fetchone()[0] == 0
        raw = dict(con.execute("SELECT kind, sum(rows_in) FROM meta.loads GROUP BY ALL").fetchall())
    assert raw["labs"] == rows_in("LABEVENTS.csv.gz") == 76074
    assert raw["diagnoses"] == rows_in("DIAGNOSES_ICD.csv.gz")
    assert raw["medications"] == rows_in("PRESCRIPTIONS.csv.gz")
    assert raw["patients"] == rows_in("PATIENTS.csv.gz") == 100
    assert raw["vitals"] == 4696  # the four temperature items, without the CareVue "(calc)" restatements


def test_staged_analytes_match_the_demo_as_documented(warehouse):
    with connect(warehouse, TZ, read_only=True) as con:
        staged = dict(con.execute("SELECT analyte, count(*) FROM staging.lab_results GROUP BY ALL").fetchall())
        censored = dict(con.execute("SELECT analyte, count(*) FROM staging.lab_results WHERE censoring IS NOT NULL "
                                    "AND analyte IN ('ferritin', 'platelets') GROUP BY ALL").fetchall())
        crp = sorted(r[0] for r in con.execute("SELECT value_num FROM staging.lab_results WHERE analyte = 'crp'").fetchall())
        temperatures = con.execute("SELECT min(value_num), max(value_num), count(*) FROM staging.vital_signs").fetchone()
    assert (staged["ferritin"], staged["platelets"], staged["fibrinogen"], staged["triglycerides"]) == (50, 2088, 130, 37)
    assert staged["hemoglobin"] == 2149  # one 'UNABLE TO REPORT' is quarantined
    assert censored == {"ferritin": 4, "platelets": 3}  # 'GREATER THAN 2000' and '<5'
    assert crp == pytest.approx([89.2, 235.7, 274.7])  # 8.92 mg/dL converted to mg/L
    assert 30 < temperatures[0] and temperatures[1] < 42 and temperatures[2] > 4600  # degF and degC items in Cel


def test_quarantine_reasons_are_the_documented_oddities(warehouse):
    with connect(warehouse, TZ, read_only=True) as con:
        reasons = dict(con.execute("SELECT reason, count(*) FROM quarantine.rejected_rows "
                                   "WHERE table_name = 'lab_results' AND reason <> 'unmapped_code' GROUP BY ALL").fetchall())
        ddimer_units = con.execute("SELECT DISTINCT raw_record->>'unit' FROM quarantine.rejected_rows "
                                   "WHERE reason = 'unknown_unit'").fetchall()
        ddimer = con.execute("SELECT count(*), max(value_num) FROM staging.lab_results WHERE analyte = 'ddimer'").fetchone()
    # D-Dimer 51196 is FEU by its D_LABITEMS LOINC (48065-7): its ng/mL are read as ng/mL{FEU}, '>10000' is
    # 10 mg/L FEU. Chemistry's 50915 (no LOINC) does not say FEU or DDU, which are not interconvertible:
    # its 5 results are quarantined, not guessed.
    assert ddimer == (22, 10.0)
    assert reasons["unknown_unit"] == 5 and ddimer_units == [("ng/mL",)]
    assert reasons["unparseable_value"] == 9
