"""The canonical extract contract (DESIGN.md, "Extract contract"): landed file kinds and their columns.

A landed file's name starts with its kind (`labs_2024-03-01.csv`). A file missing a required
column is refused whole; extra columns are kept in raw as JSON and ignored after.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    raw_table: str

    def matches(self, file_name: str) -> bool:
        return file_name.lower().startswith(self.name) and file_name.lower().endswith(".csv")


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

# Kinds staged by this version of the pipeline. Other kinds of the contract (diagnoses,
# medications, patients, encounters) are listed by the landing scan but not loaded yet.
STAGED_KINDS = (LABS, VITALS)
CONTRACT_KINDS = ("labs", "vitals", "diagnoses", "medications", "patients", "encounters")
