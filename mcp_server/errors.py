"""Turn engine and validation errors into one line a person can act on."""

from __future__ import annotations

from pydantic import ValidationError


def describe_validation(exc: ValidationError) -> str:
    """`field: problem; field: problem` without pydantic's URLs and input echoes."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "input"
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {message}")
    return "invalid input: " + "; ".join(problems)
