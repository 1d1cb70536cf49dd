"""What a check says about one answer, and the shape every check has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Verdict:
    passed: bool
    why: str = ""  # for a miss: what was wrong, in a few words


class Check(Protocol):
    kind: str

    def judge(self, answer: str) -> Verdict: ...

    def expected(self) -> Any:
        """What the check looks for, as JSON, for reports."""
        ...
