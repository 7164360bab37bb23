"""docs/RULES.md is generated from the rule file and must match it."""

from pipelines.core.settings import REFERENCE_DIR
from pipelines.features.rule_set import load_rule_set
from pipelines.rule_book import RULE_BOOK, render


def test_rule_book_is_current():
    expected = render(load_rule_set(REFERENCE_DIR / "rules.yaml"))
    assert RULE_BOOK.read_text() == expected, "docs/RULES.md is stale: run `python -m pipelines.rule_book`"


def test_rule_book_states_every_threshold_with_its_boundary_and_source():
    book = RULE_BOOK.read_text()
    for line in ("| ferritin | ferritin | > 684 ng/mL | > 684 ng/mL | V |",
                 "| triglycerides | triglycerides | >= 3 mmol/L (also stated: 265 mg/dL) | >= 265 mg/dL | V |",
                 "| fibrinogen | fibrinogen | <= 2.5 g/L: 30 points | <= 250 mg/dL | V |",
                 "doi:10.1002/art.38690"):
        assert line in book
