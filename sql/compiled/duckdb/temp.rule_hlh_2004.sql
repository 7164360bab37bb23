-- temp.rule_hlh_2004 (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/hlh_2004.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
-- rule_hlh_2004 (temporary table): HLH-2004 diagnostic guidelines, the criteria computable from labs
-- and vitals (Henter JI et al. Pediatr Blood Cancer 2007;48:124-131, doi:10.1002/pbc.21039). The
-- same file evaluates the rule file's variants built on it (hlh_2004 is the rule id; hlh_2004_icu,
-- Knaak 2020, replaces the ferritin and fever cut-offs and the count needed).
-- Reads: temp.screen_day. Parameters: $hlh_2004__* (rule file; thresholds in canonical units).
-- Key: (patient_id, as_of_date).
--   __criteria_met      criteria met of the 8 (fever, cytopenias in >= min_cytopenic_lineages of
--                       3 lineages, triglycerides and/or fibrinogen, ferritin, sCD25)
--   __criteria_unknown  criteria without a value, plus the 3 never computable (splenomegaly,
--                       haemophagocytosis, NK-cell activity)
--   __met / __possible  criteria_met / criteria_met + criteria_unknown >= min_criteria
-- Haemoglobin uses the infant cut-off when the patient was younger than infant_age_days when the
-- lowest haemoglobin was drawn (the general cut-off without a birth date).
-- Writes: temp.rule_hlh_2004 (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT
        patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu,
        window_item(temperature, '>=', 38.5::DOUBLE, 'Cel') AS fever,
        CASE WHEN datediff('day', birth_date, CAST(hemoglobin['min_at'] AS DATE)) < 28
             THEN window_item(hemoglobin, '<', 10.0::DOUBLE,
                              'g/dL')
             ELSE window_item(hemoglobin, '<', 9.0::DOUBLE,
                              'g/dL') END AS hemoglobin,
        datediff('day', birth_date, CAST(hemoglobin['min_at'] AS DATE)) AS age_days_at_hemoglobin,
        window_item(platelets, '<', 100.0::DOUBLE, '10*3/uL') AS platelets,
        window_item(anc, '<', 1.0::DOUBLE, '10*3/uL') AS anc,
        window_item(triglycerides, '>=', 265.0::DOUBLE,
                    'mg/dL') AS triglycerides,
        window_item(fibrinogen, '<=', 150.0::DOUBLE, 'mg/dL') AS fibrinogen,
        window_item(ferritin, '>=', 500.0::DOUBLE, 'ng/mL') AS ferritin,
        window_item(scd25_u, '>=', 2400.0::DOUBLE, 'U/mL') AS scd25
    FROM screen_day
),
criteria AS (
    SELECT
        *,
        [hemoglobin.met, platelets.met, anc.met] AS lineages,
        CASE WHEN count_true(lineages) >= 2 THEN true
             WHEN count_true(lineages) + count_unknown(lineages) < 2 THEN false
        END AS cytopenias,
        -- "and/or": SQL's three-valued OR (true if either, unknown unless both false)
        triglycerides.met OR fibrinogen.met AS triglycerides_fibrinogen
    FROM items
)
SELECT
    patient_id,
    as_of_date,
    count_true([fever.met, cytopenias, triglycerides_fibrinogen, ferritin.met, scd25.met]) AS hlh_2004__criteria_met,
    count_unknown([fever.met, cytopenias, triglycerides_fibrinogen, ferritin.met, scd25.met])
      + 3 AS hlh_2004__criteria_unknown,
    hlh_2004__criteria_met + hlh_2004__criteria_unknown AS hlh_2004__criteria_max,
    hlh_2004__criteria_met >= 5 AS hlh_2004__met,
    hlh_2004__criteria_max >= 5 AS hlh_2004__possible,
    rule_context(contexts, suspected_contexts, []) AS hlh_2004__context,
    rule_population(fever.met, age_years, in_icu, false,
                    NULL, NULL, false) AS hlh_2004__population,
    {'fever': fever,
     'cytopenias': {'met': cytopenias, 'lineages_needed': 2,
                    'hemoglobin': hemoglobin, 'age_days_at_hemoglobin': age_days_at_hemoglobin,
                    'platelets': platelets, 'anc': anc},
     'triglycerides_fibrinogen': {'met': triglycerides_fibrinogen, 'triglycerides': triglycerides,
                                  'fibrinogen': fibrinogen},
     'ferritin': ferritin, 'scd25': scd25,
     'criteria_needed': 5} AS hlh_2004__evidence
FROM criteria
