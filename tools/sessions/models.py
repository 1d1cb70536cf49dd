"""What the session commands return: the same models feed `--format json` and the MCP tool."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from llmwright.errors import LLMWrightError


class SessionError(LLMWrightError):
    """The session files are not in the state the command needs (none active, one already active, locked)."""


class ReportEntry(BaseModel):
    n: int = Field(description="position of the report in its file, 1-based; assigned under the lock")
    agent: str
    time: str = Field(description="UTC, ISO 8601")
    title: str
    source: Literal["explicit", "hook"] = Field(description="appended on purpose, or by the SubagentStop hook")
    sha256: str = Field(description="digest of the report body as written (after redaction)")


class SessionFile(BaseModel):
    name: str = Field(description="file name; what `show NAME` and `close NAME` accept")
    path: str = Field(description="absolute path")
    relative_path: str = Field(description="path from the project directory")
    state: Literal["active", "archived", "report"]
    title: str
    started: str | None = Field(description="UTC, ISO 8601; a standalone report's time")
    closed: str | None = None
    reports: list[ReportEntry] = Field(default_factory=list)


class SessionView(SessionFile):
    content: str = Field(description="the markdown file as it is on disk")


class SessionList(BaseModel):
    project: str
    active: list[SessionFile]
    archived: list[SessionFile]
    reports: list[SessionFile] = Field(description="standalone reports written while no session was active")


class AppendResult(BaseModel):
    destination: Literal["session", "standalone", "skipped"] = Field(
        description="session: appended to the active session; standalone: no session was active, "
        "written to reports/; skipped: the same report from this agent is already the last one"
    )
    path: str
    relative_path: str
    agent: str
    title: str
    time: str
    n: int = Field(description="the report's position in the session file (1 for a standalone report)")
    secrets_redacted: int = Field(description="key-shaped strings and key values removed before writing")
    message: str = Field(description="one line for a person: where the report went")
