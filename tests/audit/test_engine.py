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


def test_the_report_counts_what_it_read_and_what_it_hid(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef make(**options):\n    return OpenAI(**options)\n"
    )
    (tmp_path / "broken.py").write_text("import openai\ndef broken(:\n")
    (tmp_path / "plain.py").write_text("x = 1\n")  # mentions no LLM: analysed (counted), not parsed
    first = audit(AuditRequest(path=str(tmp_path), select=["LLM101"]))
    assert (first.files_analyzed, first.files_parsed) == (2, 1)
    assert first.unverified == 1 and len(first.findings) == 2 and first.baseline_suppressed == 0
    baseline = tmp_path / "baseline.json"
    baseline.write_text(first.model_dump_json())
    (tmp_path / "app.py").write_text((tmp_path / "app.py").read_text() + "\nother = OpenAI()\n")
    second = audit(AuditRequest(path=str(tmp_path), select=["LLM101"], baseline=str(baseline)))
    assert second.baseline_suppressed == 2 and [f.line for f in second.findings] == [9]
    assert second.unverified == 0


def test_jobs_and_config_are_checked(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from llmwright.errors import InvalidInput

    (tmp_path / "app.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    for jobs in (0, 257):
        with pytest.raises(ValidationError):
            AuditRequest(path=str(tmp_path), jobs=jobs)
    assert AuditRequest(path=str(tmp_path), jobs=1).jobs == 1
    assert AuditRequest(path=str(tmp_path), jobs=256).jobs == 256
    with pytest.raises(InvalidInput, match="does not exist"):
        audit(AuditRequest(path=str(tmp_path), config=str(tmp_path)))
    config = tmp_path / "llmwright.toml"
    config.write_text('[audit]\nignore = ["LLM101"]\n')
    assert audit(AuditRequest(path=str(tmp_path), config=str(config))).findings == []
