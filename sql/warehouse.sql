-- Schemas (one per stage) and the tables that persist across runs. Idempotent; run on every
-- writing connection. Tables rebuilt by a stage are defined in that stage's SQL file.
-- Reads: no table. Writes: the schemas, and (if absent) meta.loads, raw.labs, raw.vitals, raw.diagnoses,
-- raw.medications, raw.patients, raw.encounters, raw.malformed_lines, quarantine.rejected_rows,
-- staging.superseded_rows, meta.runs, meta.validation_results, meta.changed_days, meta.staged_loads,
-- meta.staging_changes, meta.staging_state, meta.run_warnings, meta.file_problems,
-- audit.adjudication_files, audit.adjudication_history.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS quarantine;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS features;
CREATE SCHEMA IF NOT EXISTS screen;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS meta;

-- One row per load into raw: a landed file, or one kind read from a preset source's tables.
-- load_id orders loads: later loads win ties.
CREATE TABLE IF NOT EXISTS meta.loads (
    load_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,          -- the site configuration's source name ('landing' without one)
    kind VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,     -- a landed file, or '<preset>:<kind>' for a preset's tables
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    rows_in BIGINT NOT NULL,          -- records parsed + malformed lines
    malformed_lines BIGINT NOT NULL,
    extra_columns VARCHAR[],
    run_id VARCHAR
);
-- A landed file's size and modification time: a file seen before with both unchanged is not
-- hashed again, so a run's cost does not grow with the number of files already loaded.
ALTER TABLE meta.loads ADD COLUMN IF NOT EXISTS mtime_ns BIGINT;
-- The sha256 of the mapping file a canonical source's file was loaded with (NULL: none): a file is
-- loaded once per content and mapping, so a corrected mapping reads the source's files again.
ALTER TABLE meta.loads ADD COLUMN IF NOT EXISTS mapping_sha256 VARCHAR;

CREATE TABLE IF NOT EXISTS raw.labs (
    patient_id VARCHAR, encounter_id VARCHAR, result_id VARCHAR, code VARCHAR, name VARCHAR,
    value VARCHAR, unit VARCHAR, ref_low VARCHAR, ref_high VARCHAR, collected_at VARCHAR,
    resulted_at VARCHAR, status VARCHAR,
    _extra JSON, _load_id VARCHAR NOT NULL, _source_file VARCHAR NOT NULL, _source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.vitals (
    patient_id VARCHAR, encounter_id VARCHAR, measurement_id VARCHAR, code VARCHAR,
    value VARCHAR, unit VARCHAR, measured_at VARCHAR, recorded_at VARCHAR,
    _extra JSON, _load_id VARCHAR NOT NULL, _source_file VARCHAR NOT NULL, _source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.diagnoses (
    patient_id VARCHAR, encounter_id VARCHAR, code_system VARCHAR, code VARCHAR, recorded_at VARCHAR,
    _extra JSON, _load_id VARCHAR NOT NULL, _source_file VARCHAR NOT NULL, _source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.medications (
    patient_id VARCHAR, encounter_id VARCHAR, code_system VARCHAR, code VARCHAR, name VARCHAR,
    dose VARCHAR, dose_unit VARCHAR, route VARCHAR, started_at VARCHAR, ended_at VARCHAR,
    _extra JSON, _load_id VARCHAR NOT NULL, _source_file VARCHAR NOT NULL, _source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.patients (
    patient_id VARCHAR, birth_date VARCHAR, sex VARCHAR,
    _extra JSON, _load_id VARCHAR NOT NULL, _source_file VARCHAR NOT NULL, _source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.encounters (
    patient_id VARCHAR, encounter_id VARCHAR, admit_at VARCHAR, discharge_at VARCHAR,
    encounter_type VARCHAR, care_unit VARCHAR,
    _extra JSON, _load_id VARCHAR NOT NULL, _source_file VARCHAR NOT NULL, _source_row BIGINT NOT NULL
);

-- Lines the CSV reader could not split into the file's columns (wrong field count, bad quoting).
CREATE TABLE IF NOT EXISTS raw.malformed_lines (
    kind VARCHAR NOT NULL, _load_id VARCHAR NOT NULL, _source_file VARCHAR NOT NULL,
    line BIGINT, error_type VARCHAR, error_message VARCHAR, csv_line VARCHAR
);

-- Every rejected row, with a reason code. Rebuilt per table by that table's staging step.
CREATE TABLE IF NOT EXISTS quarantine.rejected_rows (
    table_name VARCHAR NOT NULL,
    _load_id VARCHAR NOT NULL,
    _source_file VARCHAR NOT NULL,
    _source_row BIGINT,               -- record ordinal in the file; NULL for a malformed line
    source_line BIGINT,               -- physical line, for malformed lines
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    raw_record JSON
);

-- Valid rows that lost to another version of the same record (duplicate, older, cancelled).
CREATE TABLE IF NOT EXISTS staging.superseded_rows (
    table_name VARCHAR NOT NULL,
    record_id VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    _load_id VARCHAR NOT NULL,
    _source_file VARCHAR NOT NULL,
    _source_row BIGINT NOT NULL,
    kept_load_id VARCHAR,
    kept_source_row BIGINT
);

-- One row per pipeline step of a run: what it did and with which code and rules.
CREATE TABLE IF NOT EXISTS meta.runs (
    run_id VARCHAR NOT NULL,
    step VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    code_version VARCHAR,
    rule_set_version VARCHAR,
    partition_start DATE,
    partition_end DATE,
    rows_written BIGINT,
    detail JSON
);

-- Great Expectations outcomes per run and table.
CREATE TABLE IF NOT EXISTS meta.validation_results (
    run_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    success BOOLEAN NOT NULL,
    rows_validated BIGINT,
    expectations_evaluated BIGINT,
    expectations_failed BIGINT,
    failures JSON
);

-- As-of days whose inputs a run changed (a late, corrected or cancelled result), and the run that
-- recomputed each. A day is changed when the run's loads added, replaced or removed a measurement
-- taken on it or in the 7 days before it, or changed a diagnosis, order or patient row the
-- screen reads for it (sql/meta/changed_days.sql).
CREATE TABLE IF NOT EXISTS meta.changed_days (
    run_id VARCHAR NOT NULL,
    as_of_date DATE NOT NULL,
    recomputed_by VARCHAR
);

-- Which loads each staging table has staged, and the digest of the reference files and SQL it was
-- staged with: a table is restaged in full when the digest changes (a new unit spelling or code
-- then reaches rows quarantined before), else only its new loads.
CREATE TABLE IF NOT EXISTS meta.staged_loads (
    table_name VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    run_id VARCHAR
);

-- The loads whose staged, quarantined or superseded rows each staging step rewrote (its new loads
-- and the loads holding earlier versions of their records): publishing copies just those.
CREATE TABLE IF NOT EXISTS meta.staging_changes (
    run_id VARCHAR,
    table_name VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS meta.staging_state (
    table_name VARCHAR PRIMARY KEY,
    digest VARCHAR NOT NULL
);

-- What a run found wrong with its inputs that did not stop it, so that it never passes in silence:
-- one row per run, check and subject. check_name is one of
--   unreadable_file        a landed file (or a preset's input) that could not be loaded; subject
--                          '<source>/<file>', detail the reason (also in meta.file_problems)
--   silent_source          a source that delivered rows before and no new file in this run
--   source_files_missing   a preset source without files its format expects (subject: the source)
--   unknown_patients       staged records whose patient is not in staging.patients (count: patients)
--   patient_demographics_disagree  one patient id sent with different birth dates or sexes by several
--                          sources or in one file (count: patients): two people under one id, usually
--   conflicting_record_id  one record id carried by two patients (or tests) within a source (count: rows quarantined)
--   amendment_quarantined  a quarantined row whose record's earlier version stays staged: a correction
--                          or cancellation that could not be read (subject: the table, count: rows)
--   unrecognised_file      a file in a source that is no contract kind nor a file its preset reads (not loaded)
-- The run summary prints them; `masscreen run` exits 3 when one of them leaves the night incomplete
-- (an unreadable file).
CREATE TABLE IF NOT EXISTS meta.run_warnings (
    run_id VARCHAR NOT NULL,
    check_name VARCHAR NOT NULL,
    subject VARCHAR,
    count BIGINT,
    detail VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every attempt to load a file that failed (pipelines/ingest/landing.py): the file's size and modification
-- time when it was tried, so an unchanged file is not tried again (but is named again by every run,
-- in meta.run_warnings), and a changed one is. A file later loaded has its meta.loads row.
CREATE TABLE IF NOT EXISTS meta.file_problems (
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,     -- the file's name, or '<preset>:<kind>' for a preset's tables
    bytes BIGINT,
    mtime_ns BIGINT,
    reason VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The quality team's adjudications file (setting MASSCREEN_ADJUDICATIONS; pipelines/audit/quality_audit.py):
-- each distinct content (sha256 of its bytes) is one load, kept forever. The current version is
-- the content seen last (a file put back to an earlier content makes that load current again).
CREATE TABLE IF NOT EXISTS audit.adjudication_files (
    _load_id VARCHAR NOT NULL,        -- 'adjudications-' || sha256 of the file's bytes
    _source_file VARCHAR NOT NULL,    -- the file's path when it was last seen with this content
    rows_in BIGINT NOT NULL,          -- data rows read
    first_loaded_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);

-- Every row of every version of the adjudications file, as sent (text), with what became of it in
-- the latest audit build (sql/audit/adjudications.sql): outcome 'applied' (the episode's verdict in
-- audit.adjudications), 'later_verdict_wins' (a later valid row of the same file for the same
-- episode won), 'quarantined' (reason as in quarantine.rejected_rows), 'older_file_version' (the
-- row belongs to a version that is no longer current). Rows per load = the load's rows_in.
CREATE TABLE IF NOT EXISTS audit.adjudication_history (
    _load_id VARCHAR NOT NULL,
    _source_file VARCHAR NOT NULL,
    _source_row BIGINT NOT NULL,      -- 1-based data row of the file
    loaded_at TIMESTAMPTZ NOT NULL,
    episode_id VARCHAR,
    patient_id VARCHAR,
    as_of_date VARCHAR,
    verdict VARCHAR,
    reviewer VARCHAR,
    reviewed_at VARCHAR,
    note VARCHAR,
    outcome VARCHAR,
    reason VARCHAR,
    resolved_episode_id VARCHAR
);
