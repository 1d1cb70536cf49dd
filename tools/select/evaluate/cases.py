"""An eval file: one JSON object per line, each a prompt and exactly one check.

```json
{"id": "refund", "input": "Classify: I was charged twice", "one_of": ["billing", "bug", "other"], "label": "billing"}
{"input": [{"role": "user", "content": "Reply with OK"}], "system": "Be terse.", "exact": "OK"}
```

`input` is a prompt string or a list of OpenAI-shape messages; `system` and `id` are
optional (the id defaults to the line number). Every problem is reported with its line,
before any model is called: a run that fails half-way on a typo wastes money.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from llmwright.errors import InvalidInput
from llmwright.gateway import CallRequest

from .checks import CHECK_EXTRAS, CHECKS, Check

MAX_CASES = 10_000
BASE_KEYS = {"id", "input", "system"}
EXAMPLE = '{"input": "Classify: I was charged twice", "one_of": ["billing", "bug", "other"], "label": "billing"}'


@dataclass(frozen=True)
class EvalCase:
    id: str
    where: str  # "cases.jsonl line 3" or "case 3": how errors name it
    request: CallRequest
    check: Check


def _request(raw: dict[str, Any]) -> CallRequest:
    given = raw.get("input")
    system = raw.get("system")
    if system is not None and not isinstance(system, str):
        raise InvalidInput("system must be a string")
    if isinstance(given, str):
        if not given.strip():
            raise InvalidInput("input is empty")
        messages: Any = [{"role": "user", "content": given}]
    elif isinstance(given, list) and given:
        messages = given
    elif given is None:
        raise InvalidInput("no input: give a prompt string or a list of {role, content} messages")
    else:
        raise InvalidInput("input must be a prompt string or a non-empty list of {role, content} messages")
    try:
        return CallRequest(messages=messages, system=system)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(f"input: {str(first['msg']).removeprefix('Value error, ')}") from exc


def _check(raw: dict[str, Any]) -> Check:
    named = [key for key in raw if key in CHECKS]
    extras = set().union(*(CHECK_EXTRAS.get(key, set()) for key in named))
    unknown = [key for key in raw if key not in CHECKS and key not in BASE_KEYS and key not in extras]
    if unknown:
        raise InvalidInput(
            f"unknown key {unknown[0]!r}; a case has input, optional id and system, and exactly one check of "
            f"{', '.join(CHECKS)}"
        )
    if not named:
        raise InvalidInput(f"no check: add exactly one of {', '.join(CHECKS)}")
    if len(named) > 1:
        raise InvalidInput(f"two checks ({', '.join(named)}): a case has exactly one")
    return CHECKS[named[0]](raw[named[0]], raw)


def parse_case(raw: Any, where: str, default_id: str) -> EvalCase:
    """One case from its JSON object; every error names `where`."""
    if not isinstance(raw, dict):
        raise InvalidInput(f"{where}: expected a JSON object, got {type(raw).__name__}; e.g. {EXAMPLE}")
    try:
        case_id = raw.get("id", default_id)
        if not isinstance(case_id, str | int) or isinstance(case_id, bool) or str(case_id) == "":
            raise InvalidInput("id must be a non-empty string or a number")
        return EvalCase(id=str(case_id), where=where, request=_request(raw), check=_check(raw))
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc}") from exc


def parse_cases(items: Iterable[tuple[str, str, Any]]) -> list[EvalCase]:
    """Cases from (where, default id, JSON value) triples, ids unique, at least one."""
    cases: list[EvalCase] = []
    seen: dict[str, str] = {}
    for where, default_id, raw in items:
        case = parse_case(raw, where, default_id)
        if case.id in seen:
            raise InvalidInput(f"{where}: id {case.id!r} repeats {seen[case.id]}; ids must be unique")
        seen[case.id] = where
        cases.append(case)
        if len(cases) > MAX_CASES:
            raise InvalidInput(f"more than {MAX_CASES:,} cases; split the file")
    if not cases:
        raise InvalidInput(f"no cases: write one JSON object per line, e.g. {EXAMPLE}")
    return cases


def inline_cases(items: list[Any]) -> list[EvalCase]:
    """Cases given as a list (the MCP tool): errors name `case N`, counting from 1."""
    return parse_cases((f"case {n}", str(n), raw) for n, raw in enumerate(items, 1))


def load_cases(path: str | Path) -> list[EvalCase]:
    """Cases from a JSON Lines file (`-`: standard input); blank lines are skipped."""
    if str(path) == "-":
        from ...tokens import read_stdin

        return parse_cases(_lines("standard input", read_stdin()))
    file = Path(path)
    if not file.is_file():
        what = "is a directory" if file.is_dir() else "does not exist"
        raise InvalidInput(f"eval file {path} {what}; give a .jsonl file with one case per line")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"eval file {path} is not UTF-8 text; save it as UTF-8 JSON Lines") from exc
    if not text.strip():
        raise InvalidInput(f"eval file {path} is empty: write one JSON object per line, e.g. {EXAMPLE}")
    return parse_cases(_lines(file.name, text))


def _lines(name: str, text: str) -> Iterable[tuple[str, str, Any]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            raw = json.loads(line)
        except ValueError as exc:
            detail = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise InvalidInput(f"{where}: not valid JSON ({detail}); each line must be one JSON object") from exc
        yield where, f"line {number}", raw
