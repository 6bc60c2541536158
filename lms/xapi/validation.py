"""Structural checks of xAPI 1.0.3 statements; every problem is named by its JSON path."""

from __future__ import annotations

import json
import re
import sys
import uuid
from datetime import datetime, timezone
from typing import Any

from lms.xapi.models import ACTIVITY_ID_LENGTH, AGENT_KEY_LENGTH, VERB_ID_LENGTH

IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
# ISO 8601 durations: weeks stand alone (P4W), or years to seconds (P1Y2M3DT4H5M6.7S).
DURATION = re.compile(
    r"^P(\d+(\.\d+)?W|(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?)$"
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NEGATIVE_ZERO_OFFSET = re.compile(r"-00(:?00)?$")
IRL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$")
INTERACTION_COMPONENT_KEYS = ("choices", "scale", "source", "target", "steps")
SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other"}
STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                  "authority", "version", "attachments"}


# JSON the LRS accepts (statements, documents, the agent parameter): nested at most this
# deep, every number within a double's range, no U+0000 and no lone surrogate in any string
# or key (PostgreSQL cannot store them, and nothing could encode them as UTF-8).
MAX_DEPTH = 100
LARGEST_NUMBER = sys.float_info.max
BAD_CHARACTER = re.compile(r"[\x00\ud800-\udfff]")
# JSON decoded from UTF-8 holds U+0000 or a lone surrogate only through one of these
# escapes (strict parsing refuses a raw U+0000, and UTF-8 has no surrogates), so other
# text skips the walk over its strings.
SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


class BadJSON(ValueError):
    """JSON the LRS refuses; the message says why and where (a JSON path)."""


def _number_out_of_range(text: str) -> BadJSON:
    shown = text if len(text) <= 24 else text[:20] + "…"
    return BadJSON(f"the number {shown} is out of range (numbers must fit a double)")


def _parse_float(text: str) -> float:
    value = float(text)
    if abs(value) > LARGEST_NUMBER:  # 1e400 parses as infinity
        raise _number_out_of_range(text)
    return value


def _parse_int(text: str) -> int:
    if len(text) > 320:
        raise _number_out_of_range(text)
    value = int(text)
    if abs(value) > LARGEST_NUMBER:
        raise _number_out_of_range(text)
    return value


def _parse_constant(name: str):
    raise BadJSON(f"{name} is not a JSON value")


def text_problem(text: str) -> str | None:
    """Why a string cannot be kept (U+0000, a lone surrogate), or None."""
    found = BAD_CHARACTER.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains the character U+0000, which is not allowed"
    return f"contains a lone surrogate (U+{ord(found.group()):04X}), which is not a character"


def load_json(raw: bytes | str) -> Any:
    """Parse JSON as the LRS accepts it, or raise ``BadJSON`` saying what is wrong and where."""
    # Text given as text (a parameter) may hold a lone surrogate as it is.
    strings = not isinstance(raw, bytes) and BAD_CHARACTER.search(raw) is not None
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadJSON(f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        value = json.loads(raw, parse_float=_parse_float, parse_int=_parse_int, parse_constant=_parse_constant)
    except RecursionError:
        raise BadJSON(f"nested more than {MAX_DEPTH} levels deep") from None
    except BadJSON:
        raise
    except ValueError as error:
        raise BadJSON(str(error)) from None
    strings = strings or ("\\u" in raw and SUSPECT_ESCAPE.search(raw) is not None)
    if not strings and raw.count("[") + raw.count("{") <= MAX_DEPTH:
        return value  # too few brackets to nest too deep
    problem = json_problem(value, strings=strings)
    if problem:
        raise BadJSON(problem)
    return value


def _path(node) -> str:
    """The JSON path of a node of ``json_problem``'s walk: (parent, key) links."""
    keys = []
    while node is not None:
        node, key = node
        keys.append(key)
    keys.pop()  # the root
    parts = [f"[{key}]" if isinstance(key, int) else f".{key}" for key in reversed(keys)]
    if len(parts) > 8:
        parts = parts[:6] + ["…"] + parts[-1:]
    return "".join(parts).lstrip(".") or "the document"


def json_problem(value: Any, *, strings: bool = True) -> str | None:
    """The first thing that stops this parsed JSON being kept: nesting deeper than
    ``MAX_DEPTH``, a string or key with U+0000 or a lone surrogate (only looked for with
    ``strings``); None if there is none. Walks without recursion, however deep."""
    stack = [(value, 1, (None, None))]
    while stack:
        item, depth, node = stack.pop()
        if isinstance(item, dict):
            if depth > MAX_DEPTH:
                return f"{_path(node)}: nested more than {MAX_DEPTH} levels deep"
            for key, child in item.items():
                if strings and (problem := text_problem(key)):
                    return f"{_path(node)}: the key {key!r} {problem}"
                if isinstance(child, (dict, list)) or (strings and isinstance(child, str)):
                    stack.append((child, depth + 1, (node, key)))
        elif isinstance(item, list):
            if depth > MAX_DEPTH:
                return f"{_path(node)}: nested more than {MAX_DEPTH} levels deep"
            for index, child in enumerate(item):
                if isinstance(child, (dict, list)) or (strings and isinstance(child, str)):
                    stack.append((child, depth + 1, (node, index)))
        elif isinstance(item, str) and (problem := text_problem(item)):
            return f"{_path(node)}: {problem}"
    return None


def too_long(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"is {len(value)} characters long, more than the {limit} this LRS keeps"
    return None


class Problems(list):
    def add(self, path: str, message: str) -> None:
        self.append(f"{path}: {message}")


def is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def parse_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or "T" not in value or NEGATIVE_ZERO_OFFSET.search(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            parsed.astimezone(timezone.utc)  # a moment must exist in UTC too
    except (ValueError, OverflowError):
        return None
    return parsed


def _object(value, path, problems) -> bool:
    if not isinstance(value, dict):
        problems.add(path, "must be a JSON object")
        return False
    return True


def _iri(value, path, problems, limit: int | None = None) -> None:
    if not isinstance(value, str) or not IRI.match(value):
        problems.add(path, "must be an absolute IRI")
    elif limit is not None and (problem := too_long(value, limit)):
        problems.add(path, problem)


def _language_map(value, path, problems) -> None:
    if not _object(value, path, problems):
        return
    for tag, text in value.items():
        if not LANGUAGE_TAG.match(tag):
            problems.add(f"{path}.{tag}", "is not a language tag (RFC 5646)")
        if not isinstance(text, str):
            problems.add(f"{path}.{tag}", "must be a string")


def _extensions(value, path, problems) -> None:
    if not _object(value, path, problems):
        return
    for key in value:
        _iri(key, f"{path}[{key!r}]", problems)


def _agent(value, path, problems, *, group_allowed=True) -> None:
    if not _object(value, path, problems):
        return
    kind = value.get("objectType", "Agent")
    if kind == "Group" and group_allowed:
        members = value.get("member")
        if members is not None:
            if not isinstance(members, list):
                problems.add(f"{path}.member", "must be an array")
            else:
                for index, member in enumerate(members):
                    _agent(member, f"{path}.member[{index}]", problems, group_allowed=False)
        if not members and not _ifis(value):
            problems.add(path, "an anonymous group needs members")
        if _ifis(value):
            _check_ifi(value, path, problems)
        return
    if kind != "Agent":
        problems.add(f"{path}.objectType", "must be Agent" + (" or Group" if group_allowed else ""))
        return
    _check_ifi(value, path, problems)


def _ifis(value) -> list[str]:
    return [key for key in ("mbox", "mbox_sha1sum", "openid", "account") if key in value]


def _check_ifi(value, path, problems) -> None:
    ifis = _ifis(value)
    if len(ifis) != 1:
        problems.add(path, "must have exactly one of mbox, mbox_sha1sum, openid, account")
        return
    key = ifis[0]
    ifi = value[key]
    # An agent is filed under a key made of its identifier ("mbox:<mbox>",
    # "account:<homePage>|<name>", as lms.xapi.services.actor_key makes it), which must fit.
    if key == "mbox" and (not isinstance(ifi, str) or not ifi.startswith("mailto:")
                          or not EMAIL.match(ifi[len("mailto:"):])):
        problems.add(f"{path}.mbox", "must be a mailto: IRI with an e-mail address")
    elif key == "mbox" and (problem := too_long(ifi, AGENT_KEY_LENGTH - len("mbox:"))):
        problems.add(f"{path}.mbox", problem)
    elif key == "mbox_sha1sum" and (not isinstance(ifi, str) or not SHA1.match(ifi)):
        problems.add(f"{path}.mbox_sha1sum", "must be a SHA-1 hex digest")
    elif key == "openid":
        _iri(ifi, f"{path}.openid", problems, AGENT_KEY_LENGTH - len("openid:"))
    elif key == "account":
        if _object(ifi, f"{path}.account", problems):
            _iri(ifi.get("homePage"), f"{path}.account.homePage", problems)
            if not isinstance(ifi.get("name"), str) or not ifi.get("name"):
                problems.add(f"{path}.account.name", "must be a non-empty string")
            elif isinstance(ifi.get("homePage"), str):
                limit = AGENT_KEY_LENGTH - len("account:|")
                if len(ifi["homePage"]) + len(ifi["name"]) > limit:
                    problems.add(f"{path}.account", f"homePage and name are {len(ifi['homePage']) + len(ifi['name'])} "
                                                    f"characters long together, more than the {limit} this LRS keeps")
    if "name" in value and not isinstance(value["name"], str):
        problems.add(f"{path}.name", "must be a string")


def _activity(value, path, problems) -> None:
    _iri(value.get("id"), f"{path}.id", problems, ACTIVITY_ID_LENGTH)
    definition = value.get("definition")
    if definition is None:
        return
    dpath = f"{path}.definition"
    if not _object(definition, dpath, problems):
        return
    for key in ("name", "description"):
        if key in definition:
            _language_map(definition[key], f"{dpath}.{key}", problems)
    if "type" in definition:
        _iri(definition["type"], f"{dpath}.type", problems)
    if "moreInfo" in definition:
        _iri(definition["moreInfo"], f"{dpath}.moreInfo", problems)
    interaction = definition.get("interactionType")
    if "interactionType" in definition and (not isinstance(interaction, str) or interaction not in INTERACTION_TYPES):
        problems.add(f"{dpath}.interactionType", "is not an xAPI interaction type")
    used = [key for key in ("correctResponsesPattern", *INTERACTION_COMPONENT_KEYS) if key in definition]
    if used and "interactionType" not in definition:
        problems.add(f"{dpath}.interactionType", f"is required with {', '.join(used)}")
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            problems.add(f"{dpath}.correctResponsesPattern", "must be an array of strings")
    for key in INTERACTION_COMPONENT_KEYS:
        if key in definition:
            components = definition[key]
            if not isinstance(components, list):
                problems.add(f"{dpath}.{key}", "must be an array of interaction components")
                continue
            seen = set()
            for index, component in enumerate(components):
                cpath = f"{dpath}.{key}[{index}]"
                if not _object(component, cpath, problems):
                    continue
                if not isinstance(component.get("id"), str) or not component["id"]:
                    problems.add(f"{cpath}.id", "must be a non-empty string")
                elif component["id"] in seen:
                    problems.add(f"{cpath}.id", "is used twice")
                else:
                    seen.add(component["id"])
                if "description" in component:
                    _language_map(component["description"], f"{cpath}.description", problems)
    if "extensions" in definition:
        _extensions(definition["extensions"], f"{dpath}.extensions", problems)


def _attachments(value, path, problems) -> None:
    if not isinstance(value, list):
        problems.add(path, "must be an array of attachments")
        return
    for index, attachment in enumerate(value):
        apath = f"{path}[{index}]"
        if not _object(attachment, apath, problems):
            continue
        _iri(attachment.get("usageType"), f"{apath}.usageType", problems)
        if "display" not in attachment:
            problems.add(f"{apath}.display", "is required")
        else:
            _language_map(attachment["display"], f"{apath}.display", problems)
        if "description" in attachment:
            _language_map(attachment["description"], f"{apath}.description", problems)
        content_type = attachment.get("contentType")
        if not isinstance(content_type, str) or not re.match(r"^[\w.+-]+/[\w.+-]+", content_type):
            problems.add(f"{apath}.contentType", "must be a media type such as text/plain")
        length = attachment.get("length")
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            problems.add(f"{apath}.length", "must be a whole number of bytes")
        if not isinstance(attachment.get("sha2"), str) or not re.match(r"^[0-9a-fA-F]{56,128}$", attachment["sha2"]):
            problems.add(f"{apath}.sha2", "must be a SHA-2 hex digest")
        if "fileUrl" in attachment and (not isinstance(attachment["fileUrl"], str) or not IRL.match(attachment["fileUrl"])):
            problems.add(f"{apath}.fileUrl", "must be an IRL")


def _authority(value, path, problems) -> None:
    """An Agent, or an anonymous Group of exactly two Agents (OAuth consumer and user)."""
    if isinstance(value, dict) and value.get("objectType") == "Group":
        if _ifis(value):
            problems.add(path, "must not be an identified group")
            return
        members = value.get("member")
        if not isinstance(members, list) or len(members) != 2:
            problems.add(f"{path}.member", "a group authority has exactly two agents")
            return
    _agent(value, path, problems)


def _statement_object(value, path, problems, *, sub=False) -> None:
    if not _object(value, path, problems):
        return
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _activity(value, path, problems)
    elif kind in ("Agent", "Group"):
        _agent(value, path, problems)
    elif kind == "StatementRef":
        if not is_uuid(value.get("id")):
            problems.add(f"{path}.id", "must be a UUID")
    elif kind == "SubStatement" and not sub:
        for key in ("id", "stored", "version", "authority"):
            if key in value:
                problems.add(f"{path}.{key}", "is not allowed in a SubStatement")
        if "attachments" in value:
            _attachments(value["attachments"], f"{path}.attachments", problems)
        _statement_body(value, path, problems, sub=True)
    else:
        problems.add(f"{path}.objectType", f"{kind!r} is not allowed here")


def _result(value, path, problems) -> None:
    if not _object(value, path, problems):
        return
    score = value.get("score")
    if score is not None and _object(score, f"{path}.score", problems):
        for key in ("scaled", "raw", "min", "max"):
            if key in score and (isinstance(score[key], bool) or not isinstance(score[key], (int, float))):
                problems.add(f"{path}.score.{key}", "must be a number")
        scaled = score.get("scaled")
        if isinstance(scaled, (int, float)) and not -1 <= scaled <= 1:
            problems.add(f"{path}.score.scaled", "must be between -1 and 1")
        low, high, raw = score.get("min"), score.get("max"), score.get("raw")
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low >= high:
            problems.add(f"{path}.score.min", "must be less than max")
        if isinstance(raw, (int, float)):
            if isinstance(low, (int, float)) and raw < low:
                problems.add(f"{path}.score.raw", "must not be less than min")
            if isinstance(high, (int, float)) and raw > high:
                problems.add(f"{path}.score.raw", "must not be more than max")
    for key in ("success", "completion"):
        if key in value and not isinstance(value[key], bool):
            problems.add(f"{path}.{key}", "must be true or false")
    if "response" in value and not isinstance(value["response"], str):
        problems.add(f"{path}.response", "must be a string")
    if "duration" in value and (not isinstance(value["duration"], str) or not DURATION.match(value["duration"])):
        problems.add(f"{path}.duration", "must be an ISO 8601 duration such as PT1M30S")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions", problems)


def _context(value, path, problems, object_kind) -> None:
    if not _object(value, path, problems):
        return
    if "registration" in value and not is_uuid(value["registration"]):
        problems.add(f"{path}.registration", "must be a UUID")
    if "instructor" in value:
        _agent(value["instructor"], f"{path}.instructor", problems)
    if "team" in value:
        if not isinstance(value["team"], dict) or value["team"].get("objectType") != "Group":
            problems.add(f"{path}.team", "must be a Group")
        else:
            _agent(value["team"], f"{path}.team", problems)
    activities = value.get("contextActivities")
    if activities is not None and _object(activities, f"{path}.contextActivities", problems):
        for key, entries in activities.items():
            kpath = f"{path}.contextActivities.{key}"
            if key not in ("parent", "grouping", "category", "other"):
                problems.add(kpath, "must be parent, grouping, category or other")
                continue
            for index, entry in enumerate(entries if isinstance(entries, list) else [entries]):
                if _object(entry, f"{kpath}[{index}]", problems):
                    if entry.get("objectType", "Activity") != "Activity":
                        problems.add(f"{kpath}[{index}].objectType", "must be Activity")
                    _activity(entry, f"{kpath}[{index}]", problems)
    for key in ("revision", "platform"):
        if key in value:
            if not isinstance(value[key], str):
                problems.add(f"{path}.{key}", "must be a string")
            if object_kind != "Activity":
                problems.add(f"{path}.{key}", "is only allowed when the object is an Activity")
    for key, kind, member in (("contextAgents", "contextAgent", "agent"), ("contextGroups", "contextGroup", "group")):
        if key in value:
            entries = value[key]
            if not isinstance(entries, list):
                problems.add(f"{path}.{key}", "must be an array")
                continue
            for index, entry in enumerate(entries):
                epath = f"{path}.{key}[{index}]"
                if not _object(entry, epath, problems):
                    continue
                if entry.get("objectType") != kind:
                    problems.add(f"{epath}.objectType", f"must be {kind}")
                if member not in entry:
                    problems.add(f"{epath}.{member}", "is required")
                elif member == "group" and (not isinstance(entry[member], dict) or entry[member].get("objectType") != "Group"):
                    problems.add(f"{epath}.group", "must be a Group")
                else:
                    _agent(entry[member], f"{epath}.{member}", problems, group_allowed=member == "group")
                if "relevantTypes" in entry:
                    types = entry["relevantTypes"]
                    if not isinstance(types, list) or not types:
                        problems.add(f"{epath}.relevantTypes", "must be a non-empty array of IRIs")
                    else:
                        for t_index, item in enumerate(types):
                            _iri(item, f"{epath}.relevantTypes[{t_index}]", problems)
    if "language" in value and (not isinstance(value["language"], str) or not LANGUAGE_TAG.match(value["language"])):
        problems.add(f"{path}.language", "is not a language tag (RFC 5646)")
    if "statement" in value:
        ref = value["statement"]
        if not isinstance(ref, dict) or ref.get("objectType") != "StatementRef" or not is_uuid(ref.get("id")):
            problems.add(f"{path}.statement", "must be a StatementRef with a UUID id")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions", problems)


def _statement_body(value, path, problems, *, sub=False) -> None:
    for key in ("actor", "verb", "object"):
        if key not in value:
            problems.add(f"{path}.{key}" if path else key, "is required")
    prefix = f"{path}." if path else ""
    if "actor" in value:
        _agent(value["actor"], f"{prefix}actor", problems)
    verb = value.get("verb")
    if verb is not None and _object(verb, f"{prefix}verb", problems):
        _iri(verb.get("id"), f"{prefix}verb.id", problems, VERB_ID_LENGTH)
        if "display" in verb:
            _language_map(verb["display"], f"{prefix}verb.display", problems)
    if "object" in value:
        _statement_object(value["object"], f"{prefix}object", problems, sub=sub)
    if "result" in value:
        _result(value["result"], f"{prefix}result", problems)
    if "context" in value:
        kind = value.get("object", {}).get("objectType", "Activity") if isinstance(value.get("object"), dict) else None
        _context(value["context"], f"{prefix}context", problems, kind)
    if "timestamp" in value and parse_timestamp(value["timestamp"]) is None:
        problems.add(f"{prefix}timestamp", "must be an ISO 8601 date and time")


def validate_statement(statement: Any) -> list[str]:
    """Every problem found in one statement, as ``path: message`` strings."""
    problems = Problems()
    if not isinstance(statement, dict):
        problems.add("statement", "must be a JSON object")
        return problems
    for key in statement:
        if key not in STATEMENT_KEYS:
            problems.add(key, "is not a statement property")
    if "id" in statement and not is_uuid(statement["id"]):
        problems.add("id", "must be a UUID")
    if "version" in statement and (not isinstance(statement["version"], str)
                                   or not re.match(r"^(1\.0|2\.0)(\.\d+)?$", statement["version"])):
        problems.add("version", "must be 1.0.x or 2.0.x")
    if "authority" in statement:
        _authority(statement["authority"], "authority", problems)
    if "attachments" in statement:
        _attachments(statement["attachments"], "attachments", problems)
    _statement_body(statement, "", problems)
    return problems
