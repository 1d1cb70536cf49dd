"""The markdown a session file is made of: a header, report blocks, a closing line.

Each part starts with an HTML comment holding its metadata as JSON
(`<!-- llmwright:report {...} -->`): invisible when the markdown is rendered, and what
`show`/`list` parse back, so the visible headings stay free for people to read.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

MARKER = re.compile(r"^<!-- llmwright:(session|report|closed) (\{.*\}) -->$", re.MULTILINE)
_MARKER_START = re.compile(r"^(<!-- llmwright:)", re.MULTILINE)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_TITLE_LIMIT = 120


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Machine form: `2026-11-23T18:05:01.123Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def readable(moment: datetime) -> str:
    """Human form: `2026-11-23 18:05:01 UTC`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def slugify(text: str, limit: int = 60) -> str:
    """`Model choice: support bot!` -> `model-choice-support-bot` (ASCII, safe in any file system)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def one_line(text: str, limit: int = _TITLE_LIMIT) -> str:
    collapsed = " ".join(text.split())
    return collapsed if len(collapsed) <= limit else collapsed[: limit - 1].rstrip() + "…"


def title_of(report: str) -> str:
    """The report's first markdown heading, else its first line: what a reader would call it."""
    heading = _HEADING.search(report)
    if heading:
        return one_line(heading.group(1))
    for line in report.splitlines():
        if line.strip():
            return one_line(line.strip().lstrip("#>*-_ ").strip() or line.strip())
    return "report"


def normalise(body: str) -> str:
    """Line endings and trailing blanks do not make two reports different."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def digest(body: str) -> str:
    return hashlib.sha256(normalise(body).encode()).hexdigest()


def neutralise_markers(body: str) -> str:
    """A report that quotes a session file must not add markers of its own: indent them one space."""
    return _MARKER_START.sub(r" \1", body)


def marker(kind: str, data: dict[str, Any]) -> str:
    # `>` escaped so no value can close the comment early; still valid JSON.
    payload = json.dumps(data, ensure_ascii=False, separators=(", ", ": ")).replace(">", "\\u003e")
    return f"<!-- llmwright:{kind} {payload} -->"


def markers(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for match in MARKER.finditer(text):
        try:
            data = json.loads(match.group(2))
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict):
            yield match.group(1), data


def session_header(title: str, started: datetime, project: str) -> str:
    meta = marker("session", {"title": title, "started": iso(started), "project": project})
    return f"{meta}\n# Session: {title}\n\n- **Started:** {readable(started)}\n- **Project:** {project}\n"


def report_block(meta: dict[str, Any], body: str, when: datetime, standalone: bool) -> str:
    """One report: marker, heading, a byline with agent and UTC time, then the body.

    A body that opens with the title as its own heading loses that line: the block's
    heading already says it, and a report should not read its title twice.
    """
    first = _HEADING.match(body)
    if first and one_line(first.group(1)) == meta["title"]:
        body = body[first.end() :].lstrip("\n")
    where = "standalone report (no active session)" if standalone else f"report {meta['n']}"
    byline = f"*{meta['agent']} · {readable(when)} · {where}*"
    heading = "#" if standalone else "##"
    separator = "" if standalone else "\n---\n\n"
    return f"{separator}{marker('report', meta)}\n{heading} {meta['title']}\n\n{byline}\n\n{body}\n"


def closed_footer(when: datetime) -> str:
    return f"\n---\n\n{marker('closed', {'time': iso(when)})}\n*Session closed {readable(when)}.*\n"
