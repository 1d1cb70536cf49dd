"""The README's audit section explains unverified findings, the density score and the report schema.

The rule table itself is generated from the registry and checked by tests/test_readme.py.
"""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_explains_unverified_findings_and_the_score() -> None:
    text = README.read_text(encoding="utf-8")
    for phrase in ("**unverified**", "density", "no LLM call sites found", "e^(−density / 6)", "schema_version 2"):
        assert phrase in text
