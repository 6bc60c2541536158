"""What a learner's classes add to their learning: the dates that open and close hand-in,
the dated work still to do, the classes' unread announcements and the classes themselves.

Teaching owns classes and sits above learning, so it registers these at start-up
(``set_classes``) and learning needs not import it. Until then a learner is in no class:
no dates, no announcements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from lms.accounts.models import User
from lms.catalog.models import Item


@dataclass(frozen=True)
class Classes:
    hand_in_problem: Callable[[User, Item], Any]  # why hand-in is refused now, or None
    window_for: Callable[[User, Item], Any]  # the item's dates for the learner, or None
    still_to_do: Callable[[User], list]  # dated work not done yet
    unread_announcements: Callable[[User], list]
    classes_joined: Callable[[User], list]


NO_CLASSES = Classes(
    hand_in_problem=lambda user, item: None, window_for=lambda user, item: None,
    still_to_do=lambda user: [], unread_announcements=lambda user: [], classes_joined=lambda user: [],
)

_classes = NO_CLASSES


def set_classes(classes: Classes) -> None:
    """Let the teaching domain answer for a learner's classes; called once at start-up."""
    global _classes
    _classes = classes


def of() -> Classes:
    """The registered answers (``NO_CLASSES`` before start-up registered any)."""
    return _classes
