"""H5P evidence is browser-scored: it counts like participation, and as assessed only
where the course says so for the item (the server, not the learner, sets that)."""

from __future__ import annotations

from flask_babel import force_locale

from lms.competence import kinds
from lms.xapi import vocabulary


def completed(activity_type: str) -> dict:
    return {"object": {"id": vocabulary.activity_id("h5p", "drosiba", "sveiciens"),
                       "definition": {"type": activity_type}},
            "result": {"success": True, "completion": True}}


def test_an_h5p_completion_is_browser_scored_even_when_it_claims_a_pass(ctx):
    assert kinds.kind_of(kinds.PASSED, completed(vocabulary.ACTIVITY_TYPES["h5p"])) == (kinds.BROWSER_SCORED, None)


def test_an_item_the_course_marks_assessed_gives_assessed_evidence(ctx):
    assert kinds.kind_of(vocabulary.VERB_BASE + "completed", completed(vocabulary.ACTIVITY_TYPES["quiz"])) == (
        kinds.ASSESSED, None)


def test_browser_scored_evidence_counts_only_at_the_lowest_level(ctx):
    assert kinds.counts(kinds.BROWSER_SCORED, 1) and not kinds.counts(kinds.BROWSER_SCORED, 2)
    assert kinds.expected_kind(vocabulary.activity_id("h5p", "drosiba", "sveiciens")) == kinds.BROWSER_SCORED


def test_its_name_in_latvian(ctx):
    with force_locale("lv"):
        assert kinds.describe(kinds.BROWSER_SCORED) == "Interaktīvs, vērtēts pārlūkā"
