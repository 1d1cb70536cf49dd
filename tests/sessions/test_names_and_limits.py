"""How names find sessions, where a project is found, and the limits an append enforces with a clear message."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from llmwright.errors import InvalidInput
from llmwright.sessions import (
    OutsideSessions,
    SessionsDir,
    append_report,
    close_session,
    project_dir,
    show_session,
    start_session,
)


def _session_file(project: Path, area: str, name: str, title: str) -> Path:
    folder = project / ".claude/sessions" / area
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    marker = '<!-- llmwright:session {"title": "%s", "started": "2026-12-01T10:00:00.000Z", "project": "p"} -->'
    path.write_text(marker % title + f"\n# Session: {title}\n", encoding="utf-8")
    return path


def test_area_slash_name_and_the_full_relative_path_find_a_session(project: Path) -> None:
    started = start_session(project, "Cost review")
    close_session(project)
    stem = started.name.removesuffix(".md")
    for name in (
        f"archive/{stem}",
        f"archive/{started.name}",
        f".claude/sessions/archive/{started.name}",
        "cost-review",
    ):
        assert show_session(project, name).state == "archived", name
    with pytest.raises(InvalidInput, match="no session or report named 'active/cost-review'"):
        show_session(project, "active/cost-review")


@pytest.mark.parametrize("name", ["notes/x.md", "sessions/archive", "archive/x/y.md"])
def test_a_folder_that_is_not_an_area_is_refused(project: Path, name: str) -> None:
    start_session(project, "x")
    with pytest.raises(OutsideSessions, match="is not a session name; use a file name or AREA/NAME"):
        show_session(project, name)


def test_a_full_name_finds_the_active_session_before_an_archived_namesake(project: Path) -> None:
    _session_file(project, "archive", "2026-12-01-notes.md", "Old notes")
    _session_file(project, "active", "2026-12-01-notes.md", "Current notes")
    view = show_session(project, "2026-12-01-notes")
    assert (view.state, view.title) == ("active", "Current notes")
    archived = show_session(project, ".claude/sessions/archive/2026-12-01-notes.md")
    assert (archived.state, archived.title) == ("archived", "Old notes")
    with pytest.raises(InvalidInput, match=r"'notes' matches several files \(active/2026-12-01-notes.md, archive/"):
        show_session(project, "notes")


def test_a_relative_or_symlinked_project_path_names_the_same_sessions(
    project: Path, tmp_path: Path, monkeypatch
) -> None:
    start_session(project, "linked")
    link = tmp_path / "link"
    link.symlink_to(project)
    assert append_report(link, "llm-ml-engineer", "# Via the link").n == 1
    monkeypatch.chdir(project)
    assert append_report(Path("."), "llm-ml-engineer", "# Via a relative path").n == 2
    assert SessionsDir.of(Path(".")).display(project / ".claude/sessions/active/x.md") == ".claude/sessions/active/x.md"
    assert SessionsDir.of(project).display(Path("/elsewhere/x.md")) == "/elsewhere/x.md"


def test_the_project_is_found_without_a_home_directory_or_passwd_entry(project: Path, monkeypatch) -> None:
    """Containers run with an arbitrary uid: no passwd entry, sometimes no HOME."""
    (project / ".git").mkdir()
    (project / "src").mkdir()
    monkeypatch.chdir(project / "src")
    for error in (
        KeyError("getpwuid(): uid not found: 1000870000"),
        RuntimeError("Could not determine home directory"),
    ):

        def no_home(error: Exception = error) -> Path:
            raise error

        monkeypatch.setattr(Path, "home", staticmethod(no_home))
        assert project_dir() == project


def test_the_home_directory_is_never_taken_for_the_project(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    (home / ".git").mkdir(parents=True)  # dotfiles kept in git
    (home / "scratch").mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home / "scratch")
    assert project_dir() == (home / "scratch").resolve()


def test_a_report_over_two_megabytes_is_refused_with_the_limit(project: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        append_report(project, "llm-ml-engineer", "x" * 2_000_001)
    assert str(caught.value) == "the report is over 2 MB; append a summary instead"
    assert append_report(project, "llm-ml-engineer", "x" * 2_000_000).destination == "standalone"


def test_a_bad_agent_name_is_quoted_up_to_forty_characters(project: Path) -> None:
    name = "bad/" + "a" * 100
    with pytest.raises(InvalidInput) as caught:
        append_report(project, name, "report")
    assert str(caught.value).startswith(f"agent name {name[:40]!r} is not valid: use letters, digits")
    long_ok, too_long = "a" * 80, "a" * 81
    assert append_report(project, long_ok, "report").agent == long_ok
    with pytest.raises(InvalidInput, match="up to 80 characters"):
        append_report(project, too_long, "report")


def test_a_lock_file_left_by_a_crash_does_not_block_appends(project: Path) -> None:
    start_session(project, "after a crash")
    lock = project / ".claude/sessions/active/.lock"
    lock.write_text("")
    os.utime(lock, (0, 0))
    assert append_report(project, "llm-ml-engineer", "still works").n == 1


def test_reports_go_only_to_active_sessions(project: Path) -> None:
    started = start_session(project, "Done")
    close_session(project)
    archived = project / ".claude/sessions/archive" / started.name
    before = archived.read_text()
    with pytest.raises(InvalidInput, match=r"archive/.* is not an active session; reports go to active sessions"):
        append_report(project, "llm-ml-engineer", "late report", session=started.name)
    assert archived.read_text() == before
    current = start_session(project, "Current")
    assert append_report(project, "llm-ml-engineer", "on time", session=current.name).n == 1


def test_numbering_goes_on_from_the_last_numbered_report_in_a_hand_edited_file(project: Path) -> None:
    started = start_session(project, "Edited")
    append_report(project, "llm-ml-engineer", "one")
    path = project / started.relative_path
    path.write_text(
        path.read_text() + '\n<!-- llmwright:report {"n": "seven", "agent": "someone"} -->\nhand-written\n',
        encoding="utf-8",
    )
    assert append_report(project, "llm-ml-engineer", "two").n == 2


def test_an_empty_session_file_made_by_hand_gets_report_one(project: Path) -> None:
    active = project / ".claude/sessions/active"
    active.mkdir(parents=True)
    (active / "2026-12-02-by-hand.md").write_text("")
    result = append_report(project, "llm-ml-engineer", "first")
    assert (result.destination, result.n, result.relative_path) == (
        "session",
        1,
        ".claude/sessions/active/2026-12-02-by-hand.md",
    )


def test_a_duplicate_standalone_report_is_skipped_and_points_at_the_first(project: Path) -> None:
    first = append_report(project, "llm-cost-optimizer", "# Savings\n$10")
    again = append_report(project, "llm-cost-optimizer", "# Savings\n$10\n", skip_duplicate=True)
    assert (again.destination, again.path, again.relative_path) == ("skipped", first.path, first.relative_path)
    assert again.message == f"skipped: the same report from llm-cost-optimizer is already in {first.relative_path}"
    changed = append_report(project, "llm-cost-optimizer", "# Savings\n$12", skip_duplicate=True)
    assert changed.destination == "standalone" and changed.path != first.path


def test_report_options_are_keyword_only(project: Path) -> None:
    with pytest.raises(TypeError):
        append_report(project, "llm-ml-engineer", "body", "a title meant as keyword")


def test_a_dangling_sessions_symlink_out_of_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    """`.claude/sessions` pointing at a folder that does not exist yet must not be created out there."""
    target = tmp_path / "not-yet"
    (project / ".claude").mkdir()
    (project / ".claude/sessions").symlink_to(target)
    with pytest.raises(OutsideSessions, match="outside the project"):
        append_report(project, "llm-ml-engineer", "payload")
    with pytest.raises(OutsideSessions, match="outside the project"):
        start_session(project, "escape")
    assert not target.exists()


@pytest.fixture
def frozen_clock(monkeypatch) -> datetime:
    """Every report written at the same instant (a controllable clock, instead of racing a real one)."""
    moment = datetime(2026, 12, 2, 9, 30, 15, 500_499, tzinfo=UTC)
    monkeypatch.setattr("llmwright.sessions.append.utc_now", lambda: moment)
    return moment


def test_a_standalone_report_is_named_by_time_agent_and_title(project: Path, frozen_clock: datetime) -> None:
    agent = "llm-" + "x" * 60
    title = "Findings: " + "very long title words " * 5
    first = append_report(project, agent, "body", title=title)
    assert first.n == 1 and first.time == "2026-12-02T09:30:15.500Z"
    stem = "20261202T093015500Z-llm-" + "x" * 36 + "-findings-very-long-title-words-very-long-title-wor"
    assert Path(first.path).name == f"{stem}.md"
    second = append_report(project, agent, "other body", title=title)  # the same name, the same millisecond
    assert Path(second.path).name == f"{stem}-2.md"
    assert Path(first.path).read_text().count("body") == 1
    skipped = append_report(project, agent, "other body", title=title, skip_duplicate=True)
    assert skipped.destination == "skipped" and skipped.path == second.path


def test_duplicates_are_judged_against_the_agents_last_report(project: Path) -> None:
    started = start_session(project, "Dupes")
    append_report(project, "llm-ml-engineer", "A")
    append_report(project, "llm-ml-engineer", "B")
    again = append_report(project, "llm-ml-engineer", "A", skip_duplicate=True, session=started.name)
    assert (again.destination, again.n) == ("session", 3)


def test_secrets_in_the_title_and_the_body_are_all_counted(project: Path) -> None:
    key, other = "sk-" + "a" * 30, "ghp_" + "b" * 36
    standalone = append_report(project, "llm-ml-engineer", f"body {key}", title=f"title {other}")
    assert standalone.secrets_redacted == 2 and standalone.message.endswith("; 2 secret(s) redacted")
    start_session(project, "Secrets")
    in_session = append_report(project, "llm-ml-engineer", f"body {key}", title=f"title {other}")
    assert in_session.secrets_redacted == 2 and key not in Path(in_session.path).read_text()
    skipped = append_report(project, "llm-ml-engineer", f"body {key}", title=f"title {other}", skip_duplicate=True)
    assert skipped.destination == "skipped" and skipped.secrets_redacted == 2


def test_numbering_goes_on_after_a_report_longer_than_the_read_back(project: Path) -> None:
    start_session(project, "Long")
    append_report(project, "llm-ml-engineer", "# Long\n\n" + "line of text\n" * 5_000)
    assert append_report(project, "llm-ml-engineer", "short").n == 2


def test_a_sessions_dir_cannot_be_re_pointed_after_its_check(project: Path) -> None:
    sessions = SessionsDir.of(project)
    with pytest.raises(AttributeError):
        sessions.root = Path("/elsewhere")
    assert {sessions} == {SessionsDir.of(project)}
