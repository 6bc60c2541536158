"""YAML for files authors write (course packages, competence frameworks): PyYAML's safe
loader, with anchors and aliases refused as the parser meets them.

``safe_load`` alone builds no Python objects from tags, but it still follows aliases: a
few hundred bytes of nested aliases ("billion laughs") stand for gigabytes, which anything
that walks the data (a validator, ``json.dumps``, an import) then expands. Course files
never need anchors, so they are refused before the composer or constructor sees them, with
the line. Nesting is bounded too: the composer recurses once per level."""

from __future__ import annotations

from typing import Any

import yaml

from lms.core.messages import N_

MAX_DEPTH = 32  # nested mappings and lists; the formats need five or six


class Refused(yaml.MarkedYAMLError):
    """Valid YAML the formats do not accept (an anchor, an alias, deep nesting); the
    ``problem`` says which, ``problem_mark`` where."""


class StrictLoader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise Refused(problem=N_("aliases (*%(anchor)s) are not allowed: write the value out",
                                     anchor=event.anchor), problem_mark=event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise Refused(problem=N_("anchors (&%(anchor)s) are not allowed: write the value out where it is used",
                                     anchor=event.anchor), problem_mark=event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise Refused(problem=N_("nested more than %(depth)s levels deep", depth=MAX_DEPTH),
                          problem_mark=event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def parse(text: str) -> tuple[yaml.Node | None, Any]:
    """(the composed node, for line numbers; the data), in one pass; ``yaml.YAMLError``
    (``Refused`` among them) when the text is not accepted."""
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def load(text: str) -> Any:
    """The data of one YAML document, like ``yaml.safe_load`` without anchors and aliases."""
    return parse(text)[1]


def message(error: yaml.YAMLError) -> str:
    """What is wrong, in a line: a refusal as it is, a syntax error as "not valid YAML: ..."."""
    problem = getattr(error, "problem", None) or str(error)
    return problem if isinstance(error, Refused) else N_("not valid YAML: %(problem)s", problem=problem)
