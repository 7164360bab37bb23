-- rule_ohi (temporary table): the optimized HLH inflammatory index, sCD25 and ferritin both above
-- their cut-offs in the pairing window (Zoref-Lorenz A et al. Blood 2022;139:1098-1110,
-- doi:10.1182/blood.2021012764; adults with haematological malignancy). sCD25 in U/mL only: pg/mL
-- has no fixed conversion. Reads: temp.screen_day. Parameters: $ohi__*. Key: (patient_id, as_of_date).
-- Writes: temp.rule_ohi (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu,
           window_item(scd25_u, $ohi__scd25__op, $ohi__scd25__threshold, $ohi__scd25__unit) AS scd25,
           window_item(ferritin, $ohi__ferritin__op, $ohi__ferritin__threshold, $ohi__ferritin__unit) AS ferritin
    FROM screen_day
)
SELECT
    patient_id,
    as_of_date,
    coalesce(scd25.met AND ferritin.met, false) AS ohi__met,
    coalesce(scd25.met AND ferritin.met, true) AS ohi__possible,
    scd25.value AS ohi__scd25,
    rule_context(contexts, suspected_contexts, $ohi__applies_to) AS ohi__context,
    rule_population(NULL, age_years, in_icu, $ohi__population__requires_fever,
                    $ohi__population__min_age_years, $ohi__population__max_age_years, $ohi__population__requires_icu) AS ohi__population,
    {'scd25': scd25, 'ferritin': ferritin} AS ohi__evidence
FROM items
