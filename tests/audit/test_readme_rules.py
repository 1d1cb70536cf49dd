"""The README's audit rule table lists every rule with its registry name, severity and category."""

from __future__ import annotations

import re
from pathlib import Path

from llmwright.audit import rules_by_id

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| (LLM\d{3}) \| ([a-z-]+) \| (\w+) \| (\w+) \| (.+) \|$")


def test_rule_table_matches_the_registry() -> None:
    rows = {m.group(1): m.groups()[1:] for line in README.read_text().splitlines() if (m := ROW.match(line))}
    registry = {rule.id: (rule.name, rule.severity, rule.category) for rule in rules_by_id().values()}
    assert {rule: row[:3] for rule, row in rows.items()} == registry
    assert all(row[3].strip() for row in rows.values())


def test_readme_explains_unverified_findings_and_the_score() -> None:
    text = README.read_text()
    for phrase in ("**unverified**", "density", "no LLM call sites found", "e^(−density / 6)", "schema_version 2"):
        assert phrase in text
