"""The audit engine end to end on small projects: what fails a build, unverified findings, inline
suppression of project rules, the report's counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmwright.audit import AuditRequest, audit, fails

UNSAFE = """from openai import OpenAI

client = OpenAI(api_key="sk-proj-Tq8vX2mN4bR7kL9pW3zY5cJ1hF6gD0sA")
"""


@pytest.mark.parametrize(
    ("fail_on", "fails_the_build"),
    [(None, False), ("critical", True), ("high", True), ("info", True)],
)
def test_a_build_fails_at_or_above_the_chosen_severity(tmp_path: Path, fail_on, fails_the_build) -> None:
    (tmp_path / "app.py").write_text(UNSAFE)
    report = audit(AuditRequest(path=str(tmp_path), select=["LLM201"]))
    assert [f.severity for f in report.findings] == ["critical"]
    assert fails(report, fail_on) is fails_the_build


def test_a_build_does_not_fail_on_findings_below_the_chosen_severity(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    report = audit(AuditRequest(path=str(tmp_path), select=["LLM101"]))
    assert [f.severity for f in report.findings] == ["high"]
    assert fails(report, "critical") is False and fails(report, "high") is True


def test_an_unverified_finding_says_so_and_is_at_most_low(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\n\ndef make(**options):\n    return OpenAI(**options)\n"
    )
    (finding,) = audit(AuditRequest(path=str(tmp_path), select=["LLM101"])).findings
    assert finding.unverified and finding.severity == "low" and finding.message.endswith(" (unverified)")
    (tmp_path / "app.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    (verified,) = audit(AuditRequest(path=str(tmp_path), select=["LLM101"])).findings
    assert not verified.unverified and not verified.message.endswith("(unverified)")


def test_inline_suppression_of_project_rules_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\n"
        "a = OpenAI()  # llmwright: ignore[LLM101]\n"
        "b = OpenAI()  # llmwright: ignore\n"
        "c = OpenAI()  # llmwright: ignore[LLM102]\n"
        "d = OpenAI()\n"
    )
    report = audit(AuditRequest(path=str(tmp_path), select=["LLM101"]))
    assert [f.line for f in report.findings] == [5, 6]
    assert report.suppressed_inline == 2
