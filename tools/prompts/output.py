"""Checking a model's JSON answer against a template's schema, and the note that asks it to fix one.

Models often wrap JSON in a markdown fence or add a sentence around it; the parser accepts
a fenced block or the outermost `{…}`/`[…]` span, because that is the answer the caller
wanted. Everything else — invalid JSON, a missing field, a wrong enum — is a validation
error, described by its JSON path so the corrective retry can name exactly what to change.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

MAX_ERRORS = 5
FENCE = re.compile(r"```(?:json|JSON)?[ \t]*\r?\n(.*?)\r?\n?```", re.DOTALL)


class OutputCheck:
    """`value` (parsed JSON) and `errors` (empty when the answer is valid)."""

    def __init__(self, value: Any, errors: list[str]) -> None:
        self.value = value
        self.errors = errors

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_json_answer(text: str) -> Any:
    """The JSON value in an answer; raises ValueError saying why there is none."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("the answer is empty")
    candidates = [stripped]
    fenced = FENCE.search(stripped)
    if fenced:
        candidates.append(fenced.group(1).strip())
    for opener, closer in ("{}", "[]"):
        start, end = stripped.find(opener), stripped.rfind(closer)
        if 0 <= start < end:
            candidates.append(stripped[start : end + 1])
    first_error: json.JSONDecodeError | None = None
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError as exc:
            first_error = first_error or exc
    raise ValueError(f"the answer is not valid JSON ({first_error})")


_validators: dict[int, tuple[dict[str, Any], Validator]] = {}


def validator(schema: dict[str, Any]) -> Validator:
    """One validator per schema object (a template's schema lives as long as the template)."""
    entry = _validators.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = (schema, validator_for(schema)(schema))
        _validators[id(schema)] = entry
    return entry[1]


def check_output(text: str, schema: dict[str, Any]) -> OutputCheck:
    try:
        value = parse_json_answer(text)
    except ValueError as exc:
        return OutputCheck(None, [str(exc)])
    found = sorted(validator(schema).iter_errors(value), key=lambda e: [str(part) for part in e.absolute_path])
    errors = [f"at {e.json_path}: {_short(e.message)}" for e in found[:MAX_ERRORS]]
    if len(found) > MAX_ERRORS:
        errors.append(f"and {len(found) - MAX_ERRORS} more error(s)")
    return OutputCheck(value, errors)


def correction_message(errors: list[str]) -> str:
    """The follow-up user turn of the one corrective retry."""
    listed = "\n".join(f"- {error}" for error in errors)
    return (
        "Your previous answer does not match the required JSON schema:\n"
        f"{listed}\n"
        "Reply again with only the corrected JSON object: every required field, the allowed values only, "
        "no prose and no code fence."
    )


def _short(message: str, limit: int = 240) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"
