-- rule_{{rule}} (temporary table): HLH-2004 diagnostic guidelines, the criteria computable from labs
-- and vitals (Henter JI et al. Pediatr Blood Cancer 2007;48:124-131, doi:10.1002/pbc.21039). The
-- same file evaluates the rule file's variants built on it ({{rule}} is the rule id; hlh_2004_icu,
-- Knaak 2020, replaces the ferritin and fever cut-offs and the count needed).
-- Reads: temp.screen_day. Parameters: ${{rule}}__* (rule file; thresholds in canonical units).
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
        window_item(temperature, ${{rule}}__fever__op, ${{rule}}__fever__threshold, ${{rule}}__fever__unit) AS fever,
        CASE WHEN datediff('day', birth_date, CAST(hemoglobin['min_at'] AS DATE)) < ${{rule}}__infant_age_days
             THEN window_item(hemoglobin, ${{rule}}__hemoglobin_infant__op, ${{rule}}__hemoglobin_infant__threshold,
                              ${{rule}}__hemoglobin_infant__unit)
             ELSE window_item(hemoglobin, ${{rule}}__hemoglobin__op, ${{rule}}__hemoglobin__threshold,
                              ${{rule}}__hemoglobin__unit) END AS hemoglobin,
        datediff('day', birth_date, CAST(hemoglobin['min_at'] AS DATE)) AS age_days_at_hemoglobin,
        window_item(platelets, ${{rule}}__platelets__op, ${{rule}}__platelets__threshold, ${{rule}}__platelets__unit) AS platelets,
        window_item(anc, ${{rule}}__anc__op, ${{rule}}__anc__threshold, ${{rule}}__anc__unit) AS anc,
        window_item(triglycerides, ${{rule}}__triglycerides__op, ${{rule}}__triglycerides__threshold,
                    ${{rule}}__triglycerides__unit) AS triglycerides,
        window_item(fibrinogen, ${{rule}}__fibrinogen__op, ${{rule}}__fibrinogen__threshold, ${{rule}}__fibrinogen__unit) AS fibrinogen,
        window_item(ferritin, ${{rule}}__ferritin__op, ${{rule}}__ferritin__threshold, ${{rule}}__ferritin__unit) AS ferritin,
        window_item(scd25_u, ${{rule}}__scd25__op, ${{rule}}__scd25__threshold, ${{rule}}__scd25__unit) AS scd25
    FROM screen_day
),
criteria AS (
    SELECT
        *,
        [hemoglobin.met, platelets.met, anc.met] AS lineages,
        CASE WHEN count_true(lineages) >= ${{rule}}__min_cytopenic_lineages THEN true
             WHEN count_true(lineages) + count_unknown(lineages) < ${{rule}}__min_cytopenic_lineages THEN false
        END AS cytopenias,
        -- "and/or": SQL's three-valued OR (true if either, unknown unless both false)
        triglycerides.met OR fibrinogen.met AS triglycerides_fibrinogen
    FROM items
)
SELECT
    patient_id,
    as_of_date,
    count_true([fever.met, cytopenias, triglycerides_fibrinogen, ferritin.met, scd25.met]) AS {{rule}}__criteria_met,
    count_unknown([fever.met, cytopenias, triglycerides_fibrinogen, ferritin.met, scd25.met])
      + ${{rule}}__unmeasured_criteria AS {{rule}}__criteria_unknown,
    {{rule}}__criteria_met + {{rule}}__criteria_unknown AS {{rule}}__criteria_max,
    {{rule}}__criteria_met >= ${{rule}}__min_criteria AS {{rule}}__met,
    {{rule}}__criteria_max >= ${{rule}}__min_criteria AS {{rule}}__possible,
    rule_context(contexts, suspected_contexts, ${{rule}}__applies_to) AS {{rule}}__context,
    rule_population(fever.met, age_years, in_icu, ${{rule}}__population__requires_fever,
                    ${{rule}}__population__min_age_years, ${{rule}}__population__max_age_years, ${{rule}}__population__requires_icu) AS {{rule}}__population,
    {'fever': fever,
     'cytopenias': {'met': cytopenias, 'lineages_needed': ${{rule}}__min_cytopenic_lineages,
                    'hemoglobin': hemoglobin, 'age_days_at_hemoglobin': age_days_at_hemoglobin,
                    'platelets': platelets, 'anc': anc},
     'triglycerides_fibrinogen': {'met': triglycerides_fibrinogen, 'triglycerides': triglycerides,
                                  'fibrinogen': fibrinogen},
     'ferritin': ferritin, 'scd25': scd25,
     'criteria_needed': ${{rule}}__min_criteria} AS {{rule}}__evidence
FROM criteria
