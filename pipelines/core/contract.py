"""The canonical extract contract (docs/OPERATIONS.md, "Landing extracts"): landed file kinds and their columns.

A landed file's name starts with its kind (`labs_2024-03-01.csv`) and ends in `.csv`, `.csv.gz` or
`.parquet` (any case). A file missing a required column is refused whole; extra columns are kept in
raw as JSON and ignored after.
"""

from dataclasses import dataclass

# The file types of the canonical contract: CSV, gzip-compressed CSV, Parquet.
EXTENSIONS = (".csv", ".csv.gz", ".parquet")


@dataclass(frozen=True)
class FileKind:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    raw_table: str

    extensions: tuple[str, ...] = EXTENSIONS

    def matches(self, file_name: str) -> bool:
        name = file_name.lower()
        return name.startswith(self.name) and name.endswith(self.extensions)


LABS = FileKind(
    name="labs",
    columns=("patient_id", "encounter_id", "result_id", "code", "name", "value", "unit",
             "ref_low", "ref_high", "collected_at", "resulted_at", "status"),
    required=("patient_id", "result_id", "code", "value", "collected_at"),
    raw_table="raw.labs",
)

VITALS = FileKind(
    name="vitals",
    columns=("patient_id", "encounter_id", "measurement_id", "code", "value", "unit",
             "measured_at", "recorded_at"),
    required=("patient_id", "measurement_id", "code", "value", "measured_at"),
    raw_table="raw.vitals",
)

DIAGNOSES = FileKind(
    name="diagnoses",
    columns=("patient_id", "encounter_id", "code_system", "code", "recorded_at"),
    required=("patient_id", "code_system", "code", "recorded_at"),
    raw_table="raw.diagnoses",
)

MEDICATIONS = FileKind(
    name="medications",
    columns=("patient_id", "encounter_id", "code_system", "code", "name", "dose", "dose_unit", "route",
             "started_at", "ended_at"),
    required=("patient_id", "name", "started_at"),
    raw_table="raw.medications",
)

PATIENTS = FileKind(
    name="patients",
    columns=("patient_id", "birth_date", "sex"),
    required=("patient_id",),
    raw_table="raw.patients",
)

ENCOUNTERS = FileKind(
    name="encounters",
    columns=("patient_id", "encounter_id", "admit_at", "discharge_at", "encounter_type", "care_unit"),
    required=("patient_id", "encounter_id", "admit_at"),
    raw_table="raw.encounters",
)

CONTRACT_KINDS = (LABS, VITALS, DIAGNOSES, MEDICATIONS, PATIENTS, ENCOUNTERS)
