import pytest

from lms.xapi.validation import validate_statement

GOOD = {
    "actor": {"mbox": "mailto:learner@example.org", "name": "A"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
    "object": {"id": "http://example.org/q1", "definition": {"interactionType": "choice",
                                                              "name": {"lv": "Jautājums"}}},
    "result": {"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "success": True,
               "duration": "PT1M30S", "response": "a"},
    "context": {"registration": "6fa459ea-ee8a-3ca4-894e-db77e160355e", "language": "lv-LV",
                "contextActivities": {"parent": {"id": "http://example.org/quiz"}}},
    "timestamp": "2026-11-23T10:00:00+02:00",
}


def test_a_good_statement_has_no_problems():
    assert validate_statement(GOOD) == []


@pytest.mark.parametrize("change,expected", [
    ({"actor": {"mbox": "learner@example.org"}}, "actor.mbox: must be a mailto: IRI"),
    ({"actor": {"mbox": "mailto:a@b.c", "openid": "http://x"}}, "actor: must have exactly one of"),
    ({"actor": {"account": {"homePage": "x", "name": ""}}}, "actor.account.homePage: must be an absolute IRI"),
    ({"verb": {"id": "answered"}}, "verb.id: must be an absolute IRI"),
    ({"verb": {"id": "http://x/v", "display": {"not a tag!": "x"}}}, "verb.display.not a tag!: is not a language tag"),
    ({"object": {"id": "http://x", "definition": {"interactionType": "essay"}}},
     "object.definition.interactionType: is not an xAPI interaction type"),
    ({"result": {"score": {"raw": 11, "min": 0, "max": 10}}}, "result.score.raw: must not be more than max"),
    ({"result": {"duration": "90 seconds"}}, "result.duration: must be an ISO 8601 duration"),
    ({"result": {"success": "yes"}}, "result.success: must be true or false"),
    ({"context": {"registration": "not-a-uuid"}}, "context.registration: must be a UUID"),
    ({"context": {"contextActivities": {"cousin": []}}}, "context.contextActivities.cousin: must be parent"),
    ({"timestamp": "yesterday"}, "timestamp: must be an ISO 8601 date and time"),
    ({"id": "123"}, "id: must be a UUID"),
    ({"version": "2.5"}, "version: must be 1.0.x"),
    ({"colour": "blue"}, "colour: is not a statement property"),
    ({"object": {"objectType": "StatementRef", "id": "x"}}, "object.id: must be a UUID"),
])
def test_each_problem_is_named_by_its_path(change, expected):
    problems = validate_statement({**GOOD, **change})
    assert any(problem.startswith(expected) for problem in problems), problems


def test_platform_is_only_allowed_with_an_activity_object():
    statement = {**GOOD, "object": {"objectType": "Agent", "mbox": "mailto:x@y.z"},
                 "context": {"platform": "VR lab"}}
    assert "context.platform: is only allowed when the object is an Activity" in validate_statement(statement)


def test_not_an_object_at_all():
    assert validate_statement([1, 2]) == ["statement: must be a JSON object"]
