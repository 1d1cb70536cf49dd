"""How an answer is judged: one small class per check, found through one registry.

A case names exactly one check. Each is built once when the eval file is read (so a bad
regex or schema is reported with its line before any model is called) and then judges
every candidate's answer:

- `exact`: the answer, stripped of surrounding whitespace, equals the string.
- `contains`: the answer holds the string (or every string of a list), ignoring case.
- `regex`: Python `re.search` finds the pattern in the trimmed answer; `(?i)` ignores case.
- `json_schema`: the answer parses as JSON (a surrounding markdown code fence is
  allowed, as models often add one) and validates against the schema (`jsonschema`).
- `one_of` + `label`: a classification. The answer, normalised (trimmed, case-folded,
  surrounding quotes and final punctuation dropped), must equal the expected `label`;
  an answer that is none of the labels is reported as off the list.
- `judge`: `{model, rubric}`; a judge model grades the answer against the rubric through
  the gateway (`judge.py`), its cost reported apart from the candidate's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jsonschema import SchemaError, validators

from llmwright.errors import InvalidInput

from .judge import build_judged
from .verdict import Check, Verdict


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@dataclass(frozen=True)
class Exact:
    text: str
    kind: str = "exact"

    def judge(self, answer: str) -> Verdict:
        if answer.strip() == self.text.strip():
            return Verdict(True)
        return Verdict(False, f"expected exactly {_quote(self.text)}")

    def expected(self) -> Any:
        return self.text


@dataclass(frozen=True)
class Contains:
    needles: tuple[str, ...]
    kind: str = "contains"

    def judge(self, answer: str) -> Verdict:
        folded = answer.casefold()
        missing = [n for n in self.needles if n.casefold() not in folded]
        if not missing:
            return Verdict(True)
        return Verdict(False, f"does not contain {', '.join(_quote(m) for m in missing)}")

    def expected(self) -> Any:
        return list(self.needles) if len(self.needles) > 1 else self.needles[0]


@dataclass(frozen=True)
class Regex:
    pattern: re.Pattern[str]
    kind: str = "regex"

    def judge(self, answer: str) -> Verdict:
        if self.pattern.search(answer.strip()):
            return Verdict(True)
        return Verdict(False, f"no match for /{self.pattern.pattern}/")

    def expected(self) -> Any:
        return self.pattern.pattern


FENCE = re.compile(r"^```[\w-]*\s*\n(.*?)\n?```$", re.DOTALL)


@dataclass(frozen=True)
class JsonSchema:
    schema: dict[str, Any]
    validator: Any
    kind: str = "json_schema"

    def judge(self, answer: str) -> Verdict:
        text = answer.strip()
        fenced = FENCE.match(text)
        if fenced:
            text = fenced.group(1).strip()
        try:
            document = json.loads(text)
        except ValueError as exc:
            return Verdict(False, f"not JSON ({exc.msg} at column {exc.colno})")
        error = next(iter(sorted(self.validator.iter_errors(document), key=lambda e: list(e.path))), None)
        if error is None:
            return Verdict(True)
        where = "/".join(str(p) for p in error.path) or "the document"
        return Verdict(False, f"schema: {where}: {error.message[:120]}")

    def expected(self) -> Any:
        return self.schema


def normalise_label(text: str) -> str:
    """'  "Billing." ' and 'billing' are the same label."""
    text = " ".join(text.split()).casefold()
    return text.lstrip("\"'`* ").rstrip("\"'`*.!;: ")


@dataclass(frozen=True)
class OneOf:
    labels: tuple[str, ...]
    label: str
    kind: str = "one_of"

    def judge(self, answer: str) -> Verdict:
        given = normalise_label(answer)
        if given == normalise_label(self.label):
            return Verdict(True)
        if given not in {normalise_label(label) for label in self.labels}:
            return Verdict(False, f"answered {_quote(answer, 40)}, not one of the labels")
        return Verdict(False, f"answered {_quote(given, 40)}, expected {_quote(self.label, 40)}")

    def expected(self) -> Any:
        return {"one_of": list(self.labels), "label": self.label}


# -- builders: from a case's JSON to a Check, or an InvalidInput naming what is wrong ------------


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{name} must be a non-empty string")
    return value


def _exact(value: Any, case: dict[str, Any]) -> Check:
    return Exact(_string(value, "exact"))


def _contains(value: Any, case: dict[str, Any]) -> Check:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise InvalidInput("contains must be a string or a non-empty list of strings")
    return Contains(tuple(_string(item, "contains") for item in items))


def _regex(value: Any, case: dict[str, Any]) -> Check:
    try:
        return Regex(re.compile(_string(value, "regex")))
    except re.error as exc:
        raise InvalidInput(f"regex {value!r} does not compile: {exc}") from exc


def _json_schema(value: Any, case: dict[str, Any]) -> Check:
    if not isinstance(value, dict):
        raise InvalidInput('json_schema must be a JSON Schema object, e.g. {"type": "object"}')
    cls = validators.validator_for(value)
    try:
        cls.check_schema(value)
    except SchemaError as exc:
        raise InvalidInput(f"json_schema is not a valid JSON Schema: {exc.message}") from exc
    return JsonSchema(value, cls(value))


def _one_of(value: Any, case: dict[str, Any]) -> Check:
    if not isinstance(value, list) or len(value) < 2:
        raise InvalidInput('one_of must list at least two labels, e.g. {"one_of": ["billing", "bug"], "label": "bug"}')
    labels = tuple(_string(item, "each one_of label") for item in value)
    if len({normalise_label(label) for label in labels}) != len(labels):
        raise InvalidInput("one_of labels must differ once case and punctuation are ignored")
    if "label" not in case:
        raise InvalidInput(f'one_of needs the expected "label", one of {list(labels)}')
    label = _string(case["label"], "label")
    if normalise_label(label) not in {normalise_label(item) for item in labels}:
        raise InvalidInput(f"label {label!r} is not one of {list(labels)}")
    return OneOf(labels, label)


CHECKS: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "exact": _exact,
    "contains": _contains,
    "regex": _regex,
    "json_schema": _json_schema,
    "one_of": _one_of,
    "judge": build_judged,
}
# Keys a check reads besides its own: `label` belongs to `one_of`.
CHECK_EXTRAS: dict[str, set[str]] = {"one_of": {"label"}}
