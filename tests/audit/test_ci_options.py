"""CI options: baseline, config in pyproject, inline suppression, --list-rules, --explain, --output."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from llmwright.audit import AuditRequest, audit, rules_by_id
from llmwright.server.cli import cli

CODE = """from openai import OpenAI

client = OpenAI()
other = OpenAI(api_key="sk-proj-Tq8vX2mN4bR7kL9pW3zY5cJ1hF6gD0sA", timeout=9)
"""


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CODE)
    baseline = tmp_path / "baseline.json"
    saved = _run("audit", str(tmp_path), "--format", "json", "--output", str(baseline), "--fail-on", "never")
    assert saved.exit_code == 0 and len(json.loads(baseline.read_text())["findings"]) == 2
    (tmp_path / "app.py").write_text("# a new comment shifts every line\n" + CODE + "late = OpenAI()\n")
    report = audit(AuditRequest(path=str(tmp_path), baseline=str(baseline)))
    assert [(f.rule, f.line) for f in report.findings] == [("LLM101", 6)]
    assert report.baseline_suppressed == 2
    assert _run("audit", str(tmp_path), "--baseline", str(tmp_path / "missing.json")).exit_code == 2


def test_pyproject_settings_and_inline_suppression(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        CODE.replace("client = OpenAI()", "client = OpenAI()  # llmwright: ignore[LLM101]")
    )
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(CODE)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.llmwright.audit]\nexclude = ["legacy/"]\nignore = ["LLM4"]\nseverity = { LLM201 = "low" }\n'
    )
    report = audit(AuditRequest(path=str(tmp_path)))
    assert [(f.path, f.rule, f.severity) for f in report.findings] == [("app.py", "LLM201", "low")]
    assert report.suppressed_inline == 1 and "LLM401" not in report.rules_run
    (tmp_path / "pyproject.toml").write_text('[tool.llmwright.audit]\nseverity = { LLM201 = "urgent" }\n')
    bad = _run("audit", str(tmp_path))
    assert bad.exit_code == 2 and "tool.llmwright.audit.severity.LLM201" in bad.output


def test_list_rules_and_explain() -> None:
    listed = _run("audit", "--list-rules")
    assert listed.exit_code == 0
    assert all(rule in listed.output for rule in rules_by_id())
    explained = _run("audit", "--explain", "llm202")
    assert explained.exit_code == 0
    for part in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix:"):
        assert part in explained.output
    assert _run("audit", "--explain", "LLM999").exit_code == 2


def test_every_rule_is_documented_in_four_parts() -> None:
    for rule in rules_by_id().values():
        info = rule.info()
        for part in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
            assert part in info.doc, f"{info.id} lacks {part}"
        assert info.fix and info.title and info.name
