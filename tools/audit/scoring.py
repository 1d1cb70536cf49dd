"""The readiness score: findings per call site, weighted by severity, as 0–100 and a grade.

How it is computed (documented in the README; `--format json` consumers rely on it):

* Each finding weighs by severity: critical 10, high 4, medium 2, low 1, info 0.
  Unverified findings weigh nothing (they are counted apart).
* Density = total weight / number of LLM call sites (per category: that category's weight).
  A project-wide finding (no fallback anywhere, …) counts once, like any other.
* Score = round(100 × e^(−density / 6)): one medium finding per two call sites (density 1)
  is 85 (B), one high finding per call site (4) is 51 (F), none is 100.
  A critical finding caps the overall score at 59 (F).
* Grades: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F below.
* With no call sites there is nothing to grade: score and grade are null and the report
  says "no LLM call sites found".
"""

from __future__ import annotations

import math
from collections import defaultdict

from .model import CATEGORIES, CategoryScore, Finding

WEIGHTS = {"critical": 10.0, "high": 4.0, "medium": 2.0, "low": 1.0, "info": 0.0}
SCALE = 6.0


def grade(score: int) -> str:
    for letter, floor in (("A", 90), ("B", 80), ("C", 70), ("D", 60)):
        if score >= floor:
            return letter
    return "F"


def _score(density: float) -> int:
    return round(100 * math.exp(-density / SCALE))


def score_findings(findings: list[Finding], call_sites: int) -> list[CategoryScore]:
    weight: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for finding in findings:
        count[finding.category] += 1
        if not finding.unverified:
            weight[finding.category] += WEIGHTS[finding.severity]
    scores = []
    for category in (*CATEGORIES, "overall"):
        total = sum(weight.values()) if category == "overall" else weight[category]
        findings_in = len(findings) if category == "overall" else count[category]
        if call_sites == 0:
            scores.append(CategoryScore(category=category, score=None, grade=None, findings=findings_in))  # type: ignore[arg-type]
            continue
        density = total / call_sites
        value = _score(density)
        if category == "overall" and any(f.severity == "critical" and not f.unverified for f in findings):
            value = min(value, 59)
        scores.append(
            CategoryScore(
                category=category, score=value, grade=grade(value), findings=findings_in, density=round(density, 3)
            )  # type: ignore[arg-type]
        )
    return scores
