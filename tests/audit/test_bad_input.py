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
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links, modes and FIFOs")


def _reasons(report) -> dict[str, str]:
    return {s.path: s.reason for s in report.skipped}


def _cli(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_bad_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "syntax.py").write_text("import openai\ndef broken(:\n")
    (tmp_path / "latin1.py").write_bytes(b"import openai\nx = '\xe9t\xe9'\n")
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "deep.py").write_text("import openai\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    (tmp_path / "deep_lists.py").write_text("import openai\nx = " + "[" * 3000 + "]" * 3000 + "\n")
    (tmp_path / "unrelated_syntax.py").write_text("def broken(:\n")  # mentions no LLM: never parsed
    with (tmp_path / "huge.py").open("wb") as huge:  # a 50 MB generated file (sparse: fast to make)
        huge.truncate(50 * 1024 * 1024)
    report = audit(AuditRequest(path=str(tmp_path)))
    reasons = _reasons(report)
    assert reasons["syntax.py"].startswith("syntax error at line 2")
    assert reasons["latin1.py"].startswith("not valid UTF-8")
    assert reasons["nul.py"].startswith("contains NUL bytes")
    assert "too large" in reasons["huge.py"]
    assert "nest" in reasons["deep.py"] or "syntax error" in reasons["deep.py"]
    assert "nest" in reasons["deep_lists.py"] or "syntax error" in reasons["deep_lists.py"]
    assert "unrelated_syntax.py" not in reasons  # counted, not parsed: the byte scan found no LLM in it
    assert report.files_parsed == 1 and report.files_analyzed == 2
    assert all(s.severity == "info" for s in report.skipped)
    assert [f.rule for f in report.findings if f.path == "good.py"] == ["LLM101"]


@POSIX
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
    assert reasons["pkg/loop"] == reasons["pkg/self"] == "symlink loop (links to a folder that contains it)"
    if os.geteuid() != 0:  # root reads anything
        assert reasons["locked.py"].startswith("unreadable")
    assert sorted({f.path for f in report.findings}) == (["locked.py"] if os.geteuid() == 0 else []) + ["pkg/a.py"]


@POSIX
def test_file_loops_broken_links_fifos_and_locked_folders_are_notes_not_aborts(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(GOOD)
    (root / "self.py").symlink_to(root / "self.py")  # a file link to itself
    (root / "ping.py").symlink_to(root / "pong.py")  # two links to each other
    (root / "pong.py").symlink_to(root / "ping.py")
    (root / "gone.py").symlink_to(root / "deleted.py")  # broken
    os.mkfifo(root / "pipe.py")  # would block a reader forever
    locked = root / "private"
    locked.mkdir()
    (locked / "hidden.py").write_text(GOOD)
    locked.chmod(0)
    try:
        report = audit(AuditRequest(path=str(root)))
        result = _cli("audit", str(root), "--format", "json", "--fail-on", "never")
    finally:
        locked.chmod(0o755)
    reasons = _reasons(report)
    assert reasons["self.py"] == reasons["ping.py"] == reasons["pong.py"] == "symlink loop"
    assert reasons["gone.py"].startswith("broken symlink")
    assert reasons["pipe.py"].startswith("not a regular file")
    if os.geteuid() != 0:
        assert reasons["private"].startswith("unreadable directory")
    assert [f.path for f in report.findings] == ["app.py"] + (["private/hidden.py"] if os.geteuid() == 0 else [])
    assert result.exit_code == 0 and "internal error" not in result.output
    assert {s["path"] for s in json.loads(result.stdout)["skipped"]} >= {"self.py", "gone.py", "pipe.py"}


def test_empty_repo_and_missing_path(tmp_path: Path) -> None:
    report = audit(AuditRequest(path=str(tmp_path)))
    assert report.files_analyzed == 0 and report.findings == [] and report.llm_calls == 0
    assert report.score().score is None and report.score().grade is None  # nothing to grade
    with pytest.raises(InvalidInput, match="does not exist"):
        audit(AuditRequest(path=str(tmp_path / "nope")))
    missing = _cli("audit", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "does not exist" in missing.output
    empty = _cli("audit", str(tmp_path), "--format", "json")
    assert empty.exit_code == 0 and json.loads(empty.stdout)["files_analyzed"] == 0
    text = _cli("audit", str(tmp_path))
    assert "no LLM call sites found" in text.output and "/100" not in text.output
    bad_rule = _cli("audit", str(tmp_path), "--select", "LLM999")
    assert bad_rule.exit_code == 2 and "unknown rule" in bad_rule.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", ""], "path is empty"),
        (["audit", "   "], "path is empty"),
        (["audit", "--explain", ""], "rule id is empty"),
        (["audit", "{root}", "--config", "{root}/missing.toml"], "config file"),
        (["audit", "{root}", "-o", "{root}/no/such/dir/out.json"], "cannot write the report"),
        (["audit", "{root}", "-o", "{root}"], "cannot write the report"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "app.py").write_text(GOOD)
    result = _cli(*(a.format(root=tmp_path) for a in args))
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_parallel_run_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmwright.audit import engine

    for i in range(12):
        (tmp_path / f"m{i}.py").write_text(GOOD if i % 2 else "import openai\ndef f(:\n")
    (tmp_path / "factory.py").write_text("from openai import OpenAI\n\ndef make():\n    return OpenAI()\n")
    (tmp_path / "use.py").write_text(
        "from factory import make\n\nmake().chat.completions.create(model='m', messages=[])\n"
    )
    serial = audit(AuditRequest(path=str(tmp_path), jobs=1))
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(engine, "CHUNK_BYTES", 64)
    seen: list[tuple[int, int]] = []
    parallel = audit(AuditRequest(path=str(tmp_path), jobs=2), lambda done, total: seen.append((done, total)))
    assert parallel.model_dump() == serial.model_dump()
    assert seen[-1] == (14, 14) and [done for done, _ in seen] == sorted({done for done, _ in seen})  # the progress bar
    assert ("use.py", "factory") in {(s.path, s.resolution) for s in serial.call_sites}


def test_a_file_deleted_while_the_audit_runs_is_a_note_not_an_abort(tmp_path: Path) -> None:
    """app.py is read in round one, then removed (an editor, a checkout) before round two reads it
    again with the project index: the audit finishes and says the file could not be read."""
    (tmp_path / "llm.py").write_text("from openai import OpenAI\n\nclient = OpenAI(timeout=5)\n")
    (tmp_path / "app.py").write_text(
        "from llm import client\n\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == total:  # round one is over
            (tmp_path / "app.py").unlink()

    report = audit(AuditRequest(path=str(tmp_path), select=["LLM101"], jobs=1), progress)
    assert seen[-1] == (2, 2)
    assert _reasons(report) == {"app.py": "unreadable: No such file or directory"}
    assert report.files_analyzed == 1 and report.findings == []
