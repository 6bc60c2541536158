"""A quiz attempt's paper: which questions it asks and in which order it shows each
choice question's options, fixed when the attempt starts and kept with it (a list of
plain dicts in ``QuizAttempt.paper``), so the server never takes them from the form.

Plain functions on a quiz and papers; the randomness is the caller's (``rng``), so a
test can seed it."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from lms.catalog.models import Item
from lms.core.i18n import localized


@dataclass
class PaperQuestion:
    """One question of an attempt's paper, as the learner sees it."""

    number: int
    question: dict
    options: list[tuple[str, dict]]  # choice questions: (form value, option) in the order shown


def shuffles(item: Item, question: dict) -> bool:
    """A question's own ``shuffle_options``, else the quiz's."""
    own = question.get("shuffle_options")
    return item.shuffle_options if own is None else own


def draw(item: Item, earlier: list[list | None], rng: random.Random) -> list[dict]:
    """The paper of a new attempt, given the learner's earlier papers at this quiz:
    ``item.draw`` questions (all when unset), the ones this learner was asked least often
    first, as Moodle's random questions do, so with a pool larger than the draw a second
    attempt never repeats the first; each shuffled question's options in an order that
    differs from the previous attempt's, sent as codes made for this attempt."""
    questions = item.questions or []
    asked = Counter(entry["id"] for paper in earlier for entry in (paper or []))
    ranked = sorted(questions, key=lambda q: (asked[q["id"]], rng.random()))
    drawn = {q["id"] for q in ranked[:item.draw or len(questions)]}
    before = {entry["id"]: [o["id"] for o in entry.get("options", [])]
              for entry in ((earlier[-1] or []) if earlier else [])}
    paper = []
    for question in questions:  # drawn questions keep the order of the course file
        if question["id"] not in drawn:
            continue
        entry: dict = {"id": question["id"]}
        if "options" in question:
            ids = [option["id"] for option in question["options"]]
            if shuffles(item, question) and len(ids) > 1:
                order = list(ids)
                rng.shuffle(order)
                while order == before.get(question["id"]):
                    rng.shuffle(order)
                entry["options"] = [{"value": value, "id": option_id}
                                    for value, option_id in zip(_codes(rng, len(order)), order)]
            else:
                entry["options"] = [{"value": option_id, "id": option_id} for option_id in ids]
        paper.append(entry)
    return paper


def _codes(rng: random.Random, count: int) -> list[str]:
    """Distinct form values for shuffled options. An option's own id follows the order
    of the course file (``o1`` is the first), so sending it would undo the shuffle."""
    codes: list[str] = []
    while len(codes) < count:
        code = f"{rng.getrandbits(40):010x}"
        if code not in codes:
            codes.append(code)
    return codes


def fits(item: Item, paper: list | None) -> bool:
    """Whether a kept paper still fits the quiz (a re-import may have changed it)."""
    if not paper:
        return False
    questions = {q["id"]: q for q in item.questions or []}
    if len(paper) != min(item.draw or len(questions), len(questions)):
        return False
    for entry in paper:
        question = questions.get(entry["id"])
        if question is None or ("options" in question) != ("options" in entry):
            return False
        if "options" in entry and sorted(o["id"] for o in entry["options"]) != sorted(
                o["id"] for o in question["options"]):
            return False
    return True


def resolve(item: Item, paper: list | None, results: list | None) -> list[PaperQuestion]:
    """The paper's questions as they are in the quiz now, skipping any removed since. An
    attempt submitted before papers were kept shows the questions of its results, with
    options in the file's order."""
    questions = {q["id"]: q for q in localized(item, "questions") or []}  # in the reader's language
    if paper is None:
        paper = [{"id": result["id"]} for result in results or []]
    out = []
    for entry in paper:
        question = questions.get(entry["id"])
        if question is None:
            continue
        options: list[tuple[str, dict]] = []
        if "options" in question:
            by_id = {option["id"]: option for option in question["options"]}
            pairs = entry.get("options") or [{"value": oid, "id": oid} for oid in by_id]
            options = [(pair["value"], by_id[pair["id"]]) for pair in pairs if pair["id"] in by_id]
        out.append(PaperQuestion(len(out) + 1, question, options))
    return out
