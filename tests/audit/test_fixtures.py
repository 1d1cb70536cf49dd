"""Every rule against its fixtures: lines marked `# expect: ID` must be reported, `# ok: ID` must not,
and `# unverified: ID` must be reported as unverified (the option may arrive from where the
audit cannot see). A quoted text after the ID (`# expect: LLM101 "its call sets none"`) must be in
the finding's message: what the user reads.

Like Semgrep's `ruleid:`/`ok:` annotations, the fixture shows a rule's precision. Each
fixture file is audited alone (a one-file project, so project rules apply to it too).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from llmwright.audit import AuditRequest, audit, rules_by_id

FIXTURES = Path(__file__).parent / "fixtures"
MARK = re.compile(r'#\s*(expect|ok|unverified):\s*(LLM\d{3})(?:\s+"([^"]*)")?')


def _marks(path: Path) -> dict[str, set[tuple[str, int]]]:
    found: dict[str, set[tuple[str, int]]] = {"expect": set(), "ok": set(), "unverified": set()}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        for kind, rule, _ in MARK.findall(line):
            found[kind].add((rule, number))
    return found


def _messages(path: Path) -> dict[tuple[str, int], str]:
    """The quoted texts the findings on marked lines must say."""
    return {
        (rule, number): said
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for _, rule, said in MARK.findall(line)
        if said
    }


FILES = sorted(FIXTURES.glob("llm*.py"))


@pytest.mark.parametrize("fixture", FILES, ids=[f.stem for f in FILES])
def test_fixture(fixture: Path) -> None:
    rule = fixture.stem[:6].upper()
    marks = _marks(fixture)
    report = audit(AuditRequest(path=str(fixture), select=[rule]))
    assert not report.skipped, report.skipped
    reported = {(f.rule, f.line) for f in report.findings}
    expected = {m for m in marks["expect"] | marks["unverified"] if m[0] == rule}
    assert reported == expected, f"missing: {sorted(expected - reported)}, unexpected: {sorted(reported - expected)}"
    assert not reported & marks["ok"]
    unverified = {(f.rule, f.line) for f in report.findings if f.unverified}
    assert unverified == {m for m in marks["unverified"] if m[0] == rule}
    assert all(f.severity in ("low", "info") for f in report.findings if f.unverified)
    for (rule_id, line), said in _messages(fixture).items():
        messages = [f.message for f in report.findings if (f.rule, f.line) == (rule_id, line)]
        ends = said.endswith("$")  # `"…$"`: the message ends so
        found = [m.endswith(said[:-1]) if ends else said in m for m in messages]
        assert any(found), f"line {line}: {said!r} not in {messages}"


def test_every_rule_has_three_positives_and_three_near_misses() -> None:
    positives: Counter[str] = Counter()
    negatives: Counter[str] = Counter()
    for fixture in FILES:
        marks = _marks(fixture)
        positives.update(rule for rule, _ in marks["expect"])
        negatives.update(rule for rule, _ in marks["ok"])
    for rule in rules_by_id():
        assert positives[rule] >= 3, f"{rule} has {positives[rule]} true positives in fixtures"
        assert negatives[rule] >= 3, f"{rule} has {negatives[rule]} near-miss negatives in fixtures"
