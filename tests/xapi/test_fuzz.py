"""Fuzzing the statements endpoint: no input is a 500, nothing is stored by halves, and
valid statements sent around the bad ones all survive."""

import json
from urllib.parse import parse_qs, urlsplit

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.xapi.test_api import statement

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
# Statement-shaped objects with some fields swapped for arbitrary JSON.
statement_like = st.fixed_dictionaries({}, optional={
    "actor": json_values | st.just({"mbox": "mailto:a@example.org"}),
    "verb": json_values | st.just({"id": "http://adlnet.gov/expapi/verbs/experienced"}),
    "object": json_values | st.just({"id": "http://example.org/a"}),
    "result": json_values, "context": json_values, "timestamp": json_values, "id": json_values,
    "attachments": json_values,
})


def stored(app) -> int:
    import sqlalchemy as sa

    from lms.extensions import db
    from lms.xapi.models import Statement

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Statement))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.lists(statement_like | json_values, min_size=1, max_size=3))
def test_no_input_is_a_500_and_nothing_is_stored_by_halves(app, client, lab, bad):
    before = stored(app)
    batch = [statement(), *bad, statement()]
    response = client.post("/xapi/statements", data=json.dumps(batch), content_type="application/json", headers=lab)
    assert response.status_code in (200, 400, 409), response.get_data(as_text=True)
    after = stored(app)
    if response.status_code == 200:
        assert after == before + len(response.json)
    else:
        assert after == before
        assert response.json["error"]
    good = client.post("/xapi/statements", json=[statement(), statement()], headers=lab)
    assert good.status_code == 200 and stored(app) == after + 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["agent", "verb", "activity", "registration", "since", "until",
                                               "limit", "format", "ascending", "related_agents", "more",
                                               "statementId", "attachments"]), st.text(max_size=30), max_size=4))
def test_no_query_is_a_500(client, lab, params):
    response = client.get("/xapi/statements", query_string=params, headers=lab)
    assert response.status_code in (200, 400, 404), response.get_data(as_text=True)


# The bad-input class: whatever poison sits wherever in a statement, a document or the
# agent parameter, the answer is a 400 that names it, and nothing is stored.

POISONS = {
    "deep nesting": lambda levels: "[" * levels + "]" * levels,
    "U+0000": lambda n: json.dumps("x" * (n % 5) + "\x00"),
    "lone surrogate": lambda n: f'"{"a" * (n % 3)}\\u{0xD800 + n % 0x800:04x}"',
    "number out of range": lambda n: f"{n % 9 + 1}e{309 + n}",
    "integer out of range": lambda n: "-" * (n % 2) + "9" * (310 + n),
    "NaN": lambda n: ["NaN", "Infinity", "-Infinity"][n % 3],
}
MESSAGES = {"deep nesting": "nested more than", "U+0000": "U+0000", "lone surrogate": "lone surrogate",
            "number out of range": "out of range", "integer out of range": "out of range",
            "NaN": "is not a JSON value"}
MARK = "__poison__"
# Where in a statement the poison goes: a value (or, with "key", a key) of this path.
PLACES = [("actor", "name"), ("verb", "display", "en-US"), ("object", "definition", "name", "en"),
          ("result", "extensions", "https://x.example/e"), ("context", "extensions", "https://x.example/e"),
          ("result", "response"), ("context", "extensions", "key"), ("result", "extensions", "key")]


def poisoned_statement(place, poison_text):
    data = statement(object={"id": "https://x.example/o", "definition": {"name": {"en": "o"}}},
                     result={"extensions": {}}, context={"extensions": {}})
    data["actor"] = {**data["actor"], "name": "n"}
    node = data
    for key in place[:-1]:
        node = node.setdefault(key, {})
    if place[-1] == "key":
        node[MARK] = 1
    else:
        node[place[-1]] = MARK
    text = json.dumps(data)
    if place[-1] == "key":
        if poison_text.startswith('"'):
            return text.replace(f'"{MARK}"', poison_text)
        return None  # only strings are keys
    return text.replace(f'"{MARK}"', poison_text)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(POISONS)), n=st.integers(0, 3000), place=st.sampled_from(PLACES),
       position=st.integers(0, 2), batch_size=st.integers(1, 3))
def test_poison_anywhere_in_a_batch_is_a_400_and_stores_nothing(app, client, lab, kind, n, place, position,
                                                                 batch_size):
    levels = 101 + n if kind == "deep nesting" else n
    bad = poisoned_statement(place, POISONS[kind](levels))
    if bad is None:
        return
    batch = [json.dumps(statement()) for _ in range(batch_size)]
    batch.insert(position % (batch_size + 1), bad)
    before = stored(app)
    response = client.post("/xapi/statements", data=f"[{', '.join(batch)}]".encode(),
                           content_type="application/json", headers=lab)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert MESSAGES[kind] in response.json["error"]
    assert stored(app) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(POISONS)), n=st.integers(0, 3000), method=st.sampled_from(["PUT", "POST"]),
       as_key=st.booleans())
def test_poison_in_a_json_document_is_a_400(app, client, lab, kind, n, method, as_key):
    poison = POISONS[kind](101 + n if kind == "deep nesting" else n)
    body = f'{{{poison}: 1}}' if as_key and poison.startswith('"') else f'{{"a": {{"b": {poison}}}}}'
    response = client.open("/xapi/activities/state", method=method, data=body.encode(),
                           content_type="application/json", headers=lab,
                           query_string={"activityId": "https://x.example/a", "stateId": "s",
                                         "agent": json.dumps({"mbox": "mailto:a@example.org"})})
    assert response.status_code == 400 and MESSAGES[kind] in response.json["error"]
    assert client.get("/xapi/activities/state", headers=lab, query_string={
        "activityId": "https://x.example/a", "agent": json.dumps({"mbox": "mailto:a@example.org"})}).json == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(POISONS)), n=st.integers(0, 3000),
       path=st.sampled_from(["/xapi/statements", "/xapi/agents", "/xapi/agents/profile"]))
def test_poison_in_the_agent_parameter_is_a_400(client, lab, kind, n, path):
    poison = POISONS[kind](101 + n if kind == "deep nesting" else n)
    response = client.get(path, headers=lab,
                          query_string={"agent": f'{{"mbox": "mailto:a@example.org", "name": {poison}}}'})
    assert response.status_code == 400 and MESSAGES[kind] in response.json["error"]


any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values | st.dictionaries(any_text, any_text, max_size=3) | any_text)
def test_any_json_document_or_agent_is_stored_or_refused_never_a_500(client, lab, value):
    """Arbitrary JSON (strings with any code point, lone surrogates and U+0000 too)."""
    text = json.dumps(value)  # escapes every non-ASCII character, surrogates included
    state = {"activityId": "https://x.example/a", "stateId": "s", "agent": json.dumps({"mbox": "mailto:a@example.org"})}
    response = client.put("/xapi/activities/state", data=text.encode(), content_type="application/json",
                          headers=lab, query_string=state)
    assert response.status_code in (204, 400), response.get_data(as_text=True)
    response = client.get("/xapi/agents", headers=lab, query_string={"agent": text})
    assert response.status_code in (200, 400), response.get_data(as_text=True)


def genuine_more(client, lab) -> str:
    client.post("/xapi/statements", json=[statement() for _ in range(3)], headers=lab)
    return parse_qs(urlsplit(client.get("/xapi/statements", query_string={"limit": 1},
                                        headers=lab).json["more"]).query)["more"][0]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.integers(0, 10 ** 6), edit=st.sampled_from(["replace", "drop", "insert"]),
       character=st.characters(codec=None, exclude_categories=()))
def test_an_altered_more_link_is_a_400_or_the_very_same_page(client, lab, where, edit, character):
    """Change, drop or add characters anywhere in a genuine ``more`` link: the LRS refuses
    it, unless the change left the signed bytes as they were (base64's spare bits)."""
    token = genuine_more(client, lab)
    expected = client.get("/xapi/statements", query_string={"more": token}, headers=lab).json["statements"]
    position = where % len(token)
    altered = {"replace": token[:position] + character + token[position + 1:],
               "drop": token[:position] + token[position + 1:],
               "insert": token[:position] + character + token[position:]}[edit]
    if altered == token:
        return
    response = client.get("/xapi/statements", query_string={"more": altered}, headers=lab)
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    if response.status_code == 200:
        assert response.json["statements"] == expected
    else:
        assert "more:" in response.json["error"] or "contains" in response.json["error"]
