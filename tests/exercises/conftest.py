"""What the exercise tests share: a learner enrolled in code-practice, and fetch()'s way
of waiting for a grading (asking its status address until it is finished)."""

import time

import pytest

PAGE = "/courses/code-practice/learn/sum-numbers"
LESSON = "/courses/code-practice/learn/functions-intro"
WRONG_SUM = "export function sum(numbers) {\n  return numbers[0] + numbers[1];\n}\n"
RIGHT_SUM = "export function sum(numbers) {\n  return numbers.reduce((a, b) => a + b, 0);\n}\n"
ENDLESS = "export function sum(numbers) {\n  while (true) {}\n}\n"
JSON = {"Accept": "application/json"}


@pytest.fixture
def learner(client, adult, login, courses):
    """The adult learner, signed in and enrolled in code-practice."""
    login(adult)
    assert client.post("/courses/code-practice/enrol").status_code == 302
    return adult


def status(client, url) -> dict:
    return client.get(url, headers=JSON).get_json()


def graded(client, response, timeout_s: float = 60) -> dict:
    """What fetch() ends with: the queued grading's status, asked until it is finished."""
    assert response.status_code == 202, response.get_data(as_text=True)
    url = response.get_json()["status_url"]
    assert response.headers["Location"].endswith(url)
    return wait_for(client, url, timeout_s)


def wait_for(client, url, timeout_s: float = 60) -> dict:
    """Ask as often as the answer says, as exercise.js does (the status has a rate limit)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = status(client, url)
        if body["state"] not in ("queued", "running"):
            return body
        time.sleep(body["poll_after_ms"] / 1000)
    raise AssertionError(f"{url} was still being graded after {timeout_s} s")
