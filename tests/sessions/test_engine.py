"""The session engine: lifecycle, standalone reports, redaction, and names confined to .claude/sessions/."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmwright.errors import InvalidInput
from llmwright.sessions import (
    OutsideSessions,
    SessionError,
    append_report,
    close_session,
    list_sessions,
    project_dir,
    show_session,
    start_session,
)

from .conftest import ANTHROPIC_SHAPED, CANARY, PLAIN_CANARY


def test_lifecycle_start_append_show_close(project: Path) -> None:
    started = start_session(project, "Support bot: model choice")
    assert started.relative_path.startswith(".claude/sessions/active/") and started.name.endswith(
        "-support-bot-model-choice.md"
    )
    with pytest.raises(SessionError, match=r"already active.*close it first"):
        start_session(project, "a second one")

    first = append_report(project, "llm-ml-engineer", "# Model choice\n\nUse gpt-4o-mini, fall back to haiku.")
    second = append_report(project, "llm-cost-optimizer", "Savings: $412/month.\n", title="Cost review")
    assert (first.destination, first.n, first.title) == ("session", 1, "Model choice")
    assert (second.n, second.title) == (2, "Cost review")
    assert "appended report 2" in second.message and started.relative_path in second.message

    view = show_session(project)
    assert [(r.n, r.agent, r.source) for r in view.reports] == [
        (1, "llm-ml-engineer", "explicit"),
        (2, "llm-cost-optimizer", "explicit"),
    ]
    assert view.content.count("## Model choice") == 1, "the body's own title heading is not repeated"
    assert "*llm-ml-engineer · " in view.content and " UTC · report 1*" in view.content
    assert "Use gpt-4o-mini, fall back to haiku." in view.content

    closed = close_session(project)
    assert closed.state == "archived" and closed.closed and len(closed.reports) == 2
    assert not list((project / ".claude/sessions/active").glob("*.md"))
    with pytest.raises(SessionError, match="no active session"):
        close_session(project)
    again = start_session(project, "Support bot: model choice")  # the same name the same day: no clash
    close_session(project)
    listing = list_sessions(project)
    assert {s.name for s in listing.archived} == {again.name, again.name.replace(".md", "-2.md")}
    assert show_session(project, again.name.removesuffix(".md")).state == "archived"


def test_standalone_report_without_an_active_session(project: Path) -> None:
    result = append_report(project, "llm-integration-specialist", "## Retry added\n\nwrapped calls in tenacity")
    assert result.destination == "standalone" and "no active session" in result.message
    path = Path(result.path)
    assert path.parent == project / ".claude/sessions/reports"
    assert path.name.endswith("Z-llm-integration-specialist-retry-added.md")
    listing = list_sessions(project)
    assert listing.active == [] and [r.name for r in listing.reports] == [path.name]
    assert listing.reports[0].reports[0].agent == "llm-integration-specialist"
    assert "standalone report (no active session)" in path.read_text()
    assert not list(path.parent.glob(".*.tmp")), "the temporary file is gone"


def test_secrets_never_reach_the_file(project: Path) -> None:
    start_session(project, "redaction")
    report = f"# Keys {CANARY}\n\nOPENAI_API_KEY={CANARY}\nanthropic: {ANTHROPIC_SHAPED}\ngroq: {PLAIN_CANARY}\n"
    result = append_report(project, "llm-ml-engineer", report)
    written = Path(result.path).read_bytes()
    for secret in (CANARY, ANTHROPIC_SHAPED, PLAIN_CANARY):
        assert secret.encode() not in written
    assert result.secrets_redacted >= 4 and "secret(s) redacted" in result.message
    assert CANARY not in result.title and "***" in result.title
    assert b"OPENAI_API_KEY=***" in written


def test_reports_cannot_forge_markers_and_empty_reports_are_refused(project: Path) -> None:
    start_session(project, "markers")
    quoted = (
        '<!-- llmwright:report {"n": 99, "time": "x", "agent": "a", "title": "t", "source": "hook", "sha256": "s"} -->'
    )
    append_report(project, "llm-ml-engineer", f"quoting a session file:\n{quoted}\n")
    view = show_session(project)
    assert [r.n for r in view.reports] == [1]
    assert append_report(project, "llm-ml-engineer", "next").n == 2
    with pytest.raises(InvalidInput, match="report is empty"):
        append_report(project, "llm-ml-engineer", " \n\n ")
    with pytest.raises(InvalidInput, match="agent name"):
        append_report(project, "bad/agent\nname", "text")
    with pytest.raises(InvalidInput, match="looks like a secret"):
        append_report(project, CANARY, "text")


def test_duplicate_skip_only_when_asked(project: Path) -> None:
    start_session(project, "dupes")
    append_report(project, "llm-cost-optimizer", "## Savings\n$10")
    skipped = append_report(project, "llm-cost-optimizer", "## Savings\r\n$10  \n", skip_duplicate=True)
    assert skipped.destination == "skipped" and skipped.n == 1
    other_agent = append_report(project, "llm-ml-engineer", "## Savings\n$10", skip_duplicate=True)
    assert other_agent.destination == "session" and other_agent.n == 2
    explicit_again = append_report(project, "llm-cost-optimizer", "## Savings\n$10")
    assert explicit_again.destination == "session" and explicit_again.n == 3


@pytest.mark.parametrize(
    "name",
    ["../outside", "../../etc/passwd", "/etc/passwd", "active/../../outside.md", "~/notes.md", "a/b/c.md", "C:\\x.md"],
)
def test_names_outside_the_sessions_dir_are_refused(project: Path, name: str) -> None:
    start_session(project, "confined")
    with pytest.raises(OutsideSessions):
        show_session(project, name)
    with pytest.raises(OutsideSessions):
        append_report(project, "llm-ml-engineer", "text", session=name)
    with pytest.raises(OutsideSessions):
        close_session(project, name)


def test_symlinks_leading_out_are_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("not a session\n")
    active = project / ".claude/sessions/active"
    active.mkdir(parents=True)
    (active / "2026-01-01-evil.md").symlink_to(outside)
    with pytest.raises(OutsideSessions, match="outside"):
        show_session(project, "evil")
    with pytest.raises(OutsideSessions):
        append_report(project, "llm-ml-engineer", "payload")  # the only "active session" is the symlink
    with pytest.raises(OutsideSessions):
        close_session(project)
    assert outside.read_text() == "not a session\n"


def test_a_sessions_dir_symlinked_out_of_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".claude").mkdir()
    (project / ".claude/sessions").symlink_to(elsewhere)
    with pytest.raises(OutsideSessions, match="outside the project"):
        start_session(project, "escape")
    with pytest.raises(OutsideSessions):
        append_report(project, "llm-ml-engineer", "payload")
    assert list(elsewhere.iterdir()) == []
    (project / ".claude/sessions").unlink()
    (project / ".claude").rmdir()
    (project / ".claude").symlink_to(elsewhere)  # one level up: nothing may be created out there either
    with pytest.raises(OutsideSessions, match="outside the project"):
        append_report(project, "llm-ml-engineer", "payload")
    assert list(elsewhere.iterdir()) == []


def test_project_dir_resolution(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert project_dir() == tmp_path.resolve()
    (project / ".git").mkdir()
    (project / "src/deep").mkdir(parents=True)
    monkeypatch.chdir(project / "src/deep")
    assert project_dir() == project, "from a subfolder, the enclosing repository is the project"
    monkeypatch.chdir(tmp_path)
    assert project_dir(fallback=str(project)) == project
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(project))
    assert project_dir() == project
    assert project_dir(str(tmp_path)) == tmp_path.resolve()
    with pytest.raises(InvalidInput, match="does not exist"):
        project_dir(str(tmp_path / "missing"))
