"""The readiness score: 0–100 and a letter grade per category and overall.

How it is computed (documented in the README and `--format json` consumers rely on it):

* Each finding costs points in its rule's category by severity: critical 30, high 12,
  medium 5, low 2, info 0.
* Repeats of one rule count with diminishing weight (1, 1/2, 1/3, …) so one habit
  repeated across a code base lowers a score without zeroing it.
* A category's score is `100 - cost`, floored at 0.
* Overall is the mean of the five categories, capped at 59 (grade F) when any
  critical finding exists and at 79 when any high finding exists.
* Grades: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F below.
"""

from __future__ import annotations

from collections import defaultdict

from .model import CATEGORIES, CategoryScore, Finding

WEIGHTS = {"critical": 30.0, "high": 12.0, "medium": 5.0, "low": 2.0, "info": 0.0}


def grade(score: int) -> str:
    for letter, floor in (("A", 90), ("B", 80), ("C", 70), ("D", 60)):
        if score >= floor:
            return letter
    return "F"


def score_findings(findings: list[Finding]) -> list[CategoryScore]:
    cost: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    repeats: dict[str, int] = defaultdict(int)
    for finding in sorted(findings, key=lambda f: -WEIGHTS[f.severity]):
        repeats[finding.rule] += 1
        cost[finding.category] += WEIGHTS[finding.severity] / repeats[finding.rule]
        count[finding.category] += 1
    scores = [
        CategoryScore(category=c, score=(s := max(0, round(100 - cost[c]))), grade=grade(s), findings=count[c])  # type: ignore[arg-type]
        for c in CATEGORIES
    ]
    overall = round(sum(s.score for s in scores) / len(scores))
    severities = {f.severity for f in findings}
    if "critical" in severities:
        overall = min(overall, 59)
    elif "high" in severities:
        overall = min(overall, 79)
    scores.append(CategoryScore(category="overall", score=overall, grade=grade(overall), findings=len(findings)))  # type: ignore[arg-type]
    return scores
