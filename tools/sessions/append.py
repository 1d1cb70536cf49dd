"""Appending a report: redacted, under the lock, in one write, numbered in lock order.

With no active session the report becomes its own file under `reports/`, so a report is
never dropped because nobody ran `session start`.
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Literal

from llmwright.errors import InvalidInput
from llmwright.secrets import key_variables, redact_secrets

from .fileformat import digest, iso, neutralise_markers, normalise, one_line, report_block, slugify, title_of, utc_now
from .fileformat import markers as parse_markers
from .location import SessionsDir
from .lock import sessions_lock
from .models import AppendResult, ReportEntry
from .store import current_session, describe

AGENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@ -]{0,79}$")
MAX_REPORT_BYTES = 2_000_000
Source = Literal["explicit", "hook"]


def append_report(
    project: Path,
    agent: str,
    report: str,
    *,
    title: str | None = None,
    session: str | None = None,
    source: Source = "explicit",
    skip_duplicate: bool = False,
) -> AppendResult:
    """Append `report` to the active session (or the named one), else write a standalone report.

    `skip_duplicate`: do nothing when this agent's last report there has the same body
    (the SubagentStop hook uses it, so a report appended on purpose is not added twice).
    """
    variables = key_variables()
    agent = _checked_agent(agent, variables)
    if "\x00" in report:
        raise InvalidInput("the report has NUL bytes: it looks binary; give markdown text")
    body, found = redact_secrets(normalise(report), variables)
    if not body.strip():
        raise InvalidInput("the report is empty; pass a markdown file with --file, or pipe it on stdin with -")
    if len(body.encode()) > MAX_REPORT_BYTES:
        raise InvalidInput(f"the report is over {MAX_REPORT_BYTES // 1_000_000} MB; append a summary instead")
    body = neutralise_markers(body)
    shown_title = one_line(title) if title and title.strip() else title_of(body)
    clean_title, found_in_title = redact_secrets(shown_title, variables)
    entry = {"agent": agent, "title": clean_title, "source": source, "sha256": digest(body)}
    sessions = SessionsDir.of(project)
    sessions.ensure()
    with sessions_lock(sessions):
        target = sessions.find(session) if session else current_session(sessions)
        if session and target is not None and target.parent != sessions.active.resolve():
            raise InvalidInput(f"{sessions.display(target)} is not an active session; reports go to active sessions")
        if target is None:
            return _standalone(sessions, entry, body, found + found_in_title, skip_duplicate)
        if skip_duplicate:
            last = _last_by_agent(sessions, target, agent)
            if last is not None and last.sha256 == entry["sha256"]:
                return _result(sessions, target, "skipped", last, found + found_in_title)
        when = utc_now()
        meta = {"n": _last_number(target) + 1, "time": iso(when), **entry}
        with target.open("ab") as handle:
            handle.write(report_block(meta, body, when, standalone=False).encode())
    return _result(sessions, target, "session", ReportEntry.model_validate(meta), found + found_in_title)


def _standalone(sessions: SessionsDir, entry: dict, body: str, found: int, skip_duplicate: bool) -> AppendResult:
    """`reports/<utc>-<agent>-<title>.md`, written whole: created under a temporary name, then linked."""
    if skip_duplicate:
        previous = _last_standalone_by(sessions, entry["agent"])
        if previous is not None and previous[1].sha256 == entry["sha256"]:
            return _result(sessions, previous[0], "skipped", previous[1], found)
    when: datetime = utc_now()
    meta = {"n": 1, "time": iso(when), **entry}
    name = f"{when:%Y%m%dT%H%M%S}{when.microsecond // 1000:03d}Z-{slugify(entry['agent'], 40)}"
    name += f"-{slugify(entry['title'], 50) or 'report'}.md"
    sessions.confine(sessions.reports)
    temporary = sessions.reports / f".{name}.{os.getpid()}.tmp"
    temporary.write_text(report_block(meta, body, when, standalone=True), encoding="utf-8")
    try:
        target = _link_free(temporary, sessions.reports, name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return _result(sessions, target, "standalone", ReportEntry.model_validate(meta), found)


def _link_free(source: Path, folder: Path, name: str) -> Path:
    """Hard-link under the first free name: atomic, and never replaces an existing report."""
    stem, number = Path(name).stem, 1
    while True:
        candidate = folder / (name if number == 1 else f"{stem}-{number}.md")
        try:
            os.link(source, candidate)
        except FileExistsError:
            number += 1
            continue
        return candidate


def _last_number(path: Path, chunk: int = 8192) -> int:
    """The last report's number, read backwards from the end so a long session costs no more."""
    with path.open("rb") as handle:
        position = handle.seek(0, os.SEEK_END)
        tail = b""
        while position > 0:
            step = min(chunk, position)
            position -= step
            handle.seek(position)
            tail = handle.read(step) + tail
            numbers = [
                data["n"]
                for kind, data in parse_markers(tail.decode("utf-8", errors="ignore"))
                if kind == "report" and isinstance(data.get("n"), int)
            ]
            if numbers:
                return numbers[-1]
            chunk *= 2
    return 0


def _last_by_agent(sessions: SessionsDir, path: Path, agent: str) -> ReportEntry | None:
    mine = [r for r in describe(sessions, path, "active").reports if r.agent == agent]
    return mine[-1] if mine else None


def _last_standalone_by(sessions: SessionsDir, agent: str) -> tuple[Path, ReportEntry] | None:
    # By the time in the name, then by when written: reports of one millisecond share that time,
    # and their names (`…-2.md` sorts before `….md`) say nothing about their order.
    candidates = sorted(
        sessions.reports.glob(f"*Z-{slugify(agent, 40)}-*.md"),
        key=lambda path: (path.name.split("Z-", 1)[0], path.stat().st_mtime_ns),
    )
    for path in reversed(candidates):
        reports = [r for r in describe(sessions, sessions.confine(path), "report").reports if r.agent == agent]
        if reports:
            return path, reports[-1]
    return None


def _checked_agent(agent: str, variables: list[str]) -> str:
    name = agent.strip()
    if redact_secrets(name, variables)[1]:
        raise InvalidInput("the agent name looks like a secret key; give the agent's name, e.g. llm-ml-engineer")
    if not AGENT_NAME.match(name):
        raise InvalidInput(
            f"agent name {name[:40]!r} is not valid: use letters, digits, '-', '_', '.', ':' "
            "(up to 80 characters), e.g. llm-ml-engineer"
        )
    return name


def _result(sessions: SessionsDir, path: Path, destination: str, entry: ReportEntry, found: int) -> AppendResult:
    where = sessions.display(path)
    messages = {
        "session": f"appended report {entry.n} ({entry.title!r}) to {where}",
        "standalone": f"no active session: wrote standalone report {where} "
        "(run `llmwright session start NAME` to collect reports in one file)",
        "skipped": f"skipped: the same report from {entry.agent} is already in {where}",
    }
    message = messages[destination] + (f"; {found} secret(s) redacted" if found else "")
    return AppendResult(
        destination=destination,  # type: ignore[arg-type]
        path=str(path),
        relative_path=where,
        agent=entry.agent,
        title=entry.title,
        time=entry.time,
        n=entry.n,
        secrets_redacted=found,
        message=message,
    )


__all__ = ["append_report"]
