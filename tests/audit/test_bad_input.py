"""Bad input never crashes the audit: it finishes, reports what it skipped and why, and exits 0/1/2 as documented."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from llmwright.audit import AuditRequest, audit
from llmwright.errors import InvalidInput
from llmwright.server.cli import cli

GOOD = "from openai import OpenAI\nclient = OpenAI()\n"


def _reasons(report) -> dict[str, str]:
    return {s.path: s.reason for s in report.skipped}


def test_bad_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "syntax.py").write_text("def broken(:\n")
    (tmp_path / "latin1.py").write_bytes(b"x = '\xe9t\xe9'\n")
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "deep.py").write_text("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    (tmp_path / "deep_lists.py").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    with (tmp_path / "huge.py").open("wb") as huge:  # a 50 MB generated file (sparse: fast to make)
        huge.truncate(50 * 1024 * 1024)
    report = audit(AuditRequest(path=str(tmp_path)))
    reasons = _reasons(report)
    assert reasons["syntax.py"].startswith("syntax error at line 1")
    assert reasons["latin1.py"].startswith("not valid UTF-8")
    assert reasons["nul.py"].startswith("contains NUL bytes")
    assert "too large" in reasons["huge.py"]
    assert "nest" in reasons["deep.py"] or "syntax error" in reasons["deep.py"]
    assert "nest" in reasons["deep_lists.py"] or "syntax error" in reasons["deep_lists.py"]
    assert all(s.severity == "info" for s in report.skipped)
    assert [f.rule for f in report.findings if f.path == "good.py"] == ["LLM101"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and modes")
def test_links_loops_and_unreadable_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text(GOOD)
    (root / "pkg" / "loop").symlink_to(root)  # a loop back to the root
    (root / "pkg" / "self").symlink_to(root / "pkg")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(GOOD)
    (root / "escape").symlink_to(outside)
    (root / "escape_file.py").symlink_to(outside / "secret.py")
    locked = root / "locked.py"
    locked.write_text(GOOD)
    locked.chmod(0)
    try:
        report = audit(AuditRequest(path=str(root)))
    finally:
        locked.chmod(0o644)
    reasons = _reasons(report)
    assert reasons["escape"] == "symlink points outside the audited root"
    assert reasons["escape_file.py"] == "symlink points outside the audited root"
    if os.geteuid() != 0:  # root reads anything
        assert reasons["locked.py"].startswith("unreadable")
    assert sorted({f.path for f in report.findings}) == (["locked.py"] if os.geteuid() == 0 else []) + ["pkg/a.py"]


def test_empty_repo_and_missing_path(tmp_path: Path) -> None:
    report = audit(AuditRequest(path=str(tmp_path)))
    assert report.files_analyzed == 0 and report.findings == [] and report.score().score == 100
    with pytest.raises(InvalidInput, match="does not exist"):
        audit(AuditRequest(path=str(tmp_path / "nope")))
    runner = CliRunner()
    missing = runner.invoke(cli, ["audit", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    empty = runner.invoke(cli, ["audit", str(tmp_path), "--format", "json"])
    assert empty.exit_code == 0 and json.loads(empty.stdout)["files_analyzed"] == 0
    bad_rule = runner.invoke(cli, ["audit", str(tmp_path), "--select", "LLM999"])
    assert bad_rule.exit_code == 2 and "unknown rule" in bad_rule.output


def test_parallel_run_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmwright.audit import engine

    for i in range(12):
        (tmp_path / f"m{i}.py").write_text(GOOD if i % 2 else "def f(:\n")
    serial = audit(AuditRequest(path=str(tmp_path), jobs=1))
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(engine, "CHUNK", 3)
    parallel = audit(AuditRequest(path=str(tmp_path), jobs=2))
    assert parallel.model_dump() == serial.model_dump()
