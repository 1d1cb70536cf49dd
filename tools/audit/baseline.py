"""Baselines: a saved report whose findings are accepted, so CI fails only on new ones.

Findings are matched by fingerprint (rule, path, normalised code line and its enclosing
context, never line numbers), so unrelated edits that shift lines keep the baseline valid.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from ..errors import InvalidInput
from .model import Finding


def fingerprint(finding: Finding, occurrence: int) -> str:
    code = " ".join(finding.snippet.splitlines()[0].split()) if finding.snippet else ""
    raw = f"{finding.rule}|{finding.path}|{code}|{occurrence}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def assign_fingerprints(findings: list[Finding]) -> None:
    seen: Counter[tuple[str, str, str]] = Counter()
    for finding in findings:
        key = (finding.rule, finding.path, finding.snippet.split("\n", 1)[0].strip())
        finding.fingerprint = fingerprint(finding, seen[key])
        seen[key] += 1


def load_baseline(path: Path) -> set[str]:
    """Fingerprints from a saved `--format json` (or `sarif`) report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInput(
            f"baseline file {path} does not exist; create it with --format json --output {path}"
        ) from exc
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"baseline file {path} is not a JSON report: {exc}") from exc
    if isinstance(data, dict) and "findings" in data:
        return {f.get("fingerprint", "") for f in data["findings"] if isinstance(f, dict)}
    if isinstance(data, dict) and "runs" in data:
        return {
            r.get("partialFingerprints", {}).get("llmwright/v1", "")
            for run in data["runs"]
            for r in run.get("results", [])
        }
    raise InvalidInput(f"baseline file {path} is neither an llmwright JSON nor a SARIF report")
