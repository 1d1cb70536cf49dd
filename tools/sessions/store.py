"""Session lifecycle: start one, show it, close it into the archive, list everything."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from llmwright.errors import InvalidInput
from llmwright.secrets import redact_secrets

from .fileformat import closed_footer, markers, one_line, session_header, slugify, utc_now
from .location import OutsideSessions, SessionsDir
from .lock import sessions_lock
from .models import ReportEntry, SessionError, SessionFile, SessionList, SessionView

logger = logging.getLogger("llmwright.sessions")
State = Literal["active", "archived", "report"]
NO_ACTIVE = "no active session; start one with `llmwright session start NAME`"


def active_sessions(sessions: SessionsDir) -> list[Path]:
    """Active session files, oldest first (the file name starts with its date)."""
    if not sessions.active.is_dir():
        return []
    found = [p for p in sessions.active.glob("*.md") if not p.name.startswith(".")]
    return sorted(found, key=lambda p: (p.name[:10], p.stat().st_mtime if p.exists() else 0.0, p.name))


def current_session(sessions: SessionsDir) -> Path | None:
    """The active session; with several (made by hand), the most recently started one."""
    found = active_sessions(sessions)
    return sessions.confine(found[-1]) if found else None


def describe(sessions: SessionsDir, path: Path, state: State, text: str | None = None) -> SessionFile:
    """Parse a session or standalone report file back from its markers."""
    text = path.read_text(encoding="utf-8", errors="replace") if text is None else text
    title, started, closed = None, None, None
    reports: list[ReportEntry] = []
    for kind, data in markers(text):
        if kind == "session" and title is None:
            title, started = str(data.get("title") or ""), data.get("started")
        elif kind == "report":
            try:
                reports.append(ReportEntry.model_validate(data))
            except ValidationError:
                logger.warning("ignoring a malformed report marker in %s", path)
        elif kind == "closed":
            closed = data.get("time")
    if title is None:
        title = reports[0].title if reports else path.stem
        started = reports[0].time if reports else None
    return SessionFile(
        name=path.name,
        path=str(path),
        relative_path=sessions.display(path),
        state=state,
        title=title,
        started=started,
        closed=closed,
        reports=reports,
    )


def start_session(project: Path, name: str) -> SessionFile:
    """Create `active/<date>-<slug>.md` with a header; refuse while another session is active."""
    title, _ = redact_secrets(one_line(name))
    slug = slugify(title)
    if not slug:
        raise InvalidInput(f"session name {name!r} has no letters or digits; give a name such as 'support-bot model'")
    sessions = SessionsDir.of(project)
    sessions.ensure()
    with sessions_lock(sessions):
        existing = active_sessions(sessions)
        if existing:
            current = describe(sessions, existing[-1], "active")
            raise SessionError(
                f"a session is already active: {current.relative_path} ({current.title!r}); "
                "close it first with `llmwright session close`, or keep appending to it"
            )
        started = utc_now()
        path = sessions.active / f"{started:%Y-%m-%d}-{slug}.md"
        sessions.confine(path.parent)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(session_header(title, started, project.name))
        return describe(sessions, path, "active")


def show_session(project: Path, name: str | None = None) -> SessionView:
    """The active session (or the named session or report) with its content."""
    sessions = SessionsDir.of(project)
    if name is None:
        path = current_session(sessions)
        if path is None:
            raise SessionError(NO_ACTIVE)
    else:
        path = sessions.find(name)
    state = _state_of(sessions, path)
    if state == "active":
        with sessions_lock(sessions):
            text = path.read_text(encoding="utf-8", errors="replace")
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    return SessionView(**describe(sessions, path, state, text).model_dump(), content=text)


def close_session(project: Path, name: str | None = None) -> SessionFile:
    """Add a closing line and move the active session into `archive/`."""
    sessions = SessionsDir.of(project)
    if not sessions.active.is_dir():
        if name is not None:
            raise InvalidInput(f"{sessions.display(sessions.find(name))} is not an active session; nothing to close")
        raise SessionError(NO_ACTIVE)
    with sessions_lock(sessions):
        path = current_session(sessions) if name is None else sessions.find(name)
        if path is None:
            raise SessionError(NO_ACTIVE)
        if _state_of(sessions, path) != "active":
            raise InvalidInput(f"{sessions.display(path)} is not an active session; only active sessions can be closed")
        sessions.archive.mkdir(parents=True, exist_ok=True)
        sessions.confine(sessions.archive)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(closed_footer(utc_now()))
        destination = free_name(sessions.archive, path.name)
        path.replace(destination)
    return describe(sessions, destination, "archived")


def list_sessions(project: Path) -> SessionList:
    sessions = SessionsDir.of(project)
    areas: dict[State, Path] = {"active": sessions.active, "archived": sessions.archive, "report": sessions.reports}
    found: dict[State, list[SessionFile]] = {state: [] for state in areas}
    for state, folder in areas.items():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            try:
                found[state].append(describe(sessions, sessions.confine(path), state))
            except OutsideSessions as exc:
                logger.warning("skipped: %s", exc)
    return SessionList(
        project=str(project), active=found["active"], archived=found["archived"], reports=found["report"]
    )


def free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or `stem-2.md`, `stem-3.md`… if taken: nothing is ever overwritten."""
    candidate, stem, number = folder / name, Path(name).stem, 2
    while candidate.exists() or candidate.is_symlink():
        candidate, number = folder / f"{stem}-{number}.md", number + 1
    return candidate


def _state_of(sessions: SessionsDir, path: Path) -> State:
    parent = path.parent
    if parent == sessions.active.resolve():
        return "active"
    if parent == sessions.archive.resolve():
        return "archived"
    return "report"


__all__ = ["close_session", "current_session", "describe", "list_sessions", "show_session", "start_session"]
