"""`append_session_report` and the active-session resource: what `llmwright session append` does.

The project is the calling client's first root (MCP `roots/list`), else `$CLAUDE_PROJECT_DIR`,
else the project around the server's working directory (as for the CLI); the resource is read
for the calling client the same way (the server asks it for its roots), so one client never
sees another's session over HTTP. Whatever the caller names stays inside that project's
`.claude/sessions/`: the engine refuses `..`, absolute paths and symlinks out.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

import anyio
from mcp.server.mcpserver import MCPServer, Resolve
from mcp_types import ListRootsResult, ToolAnnotations
from pydantic import Field

from llmwright.sessions import AppendResult, SessionError, append_report, project_dir, show_session

from ..state import ServerState
from .guard import tool_errors
from .roots import ask_roots, root_paths

APPEND = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
ACTIVE_SESSION_URI = "llmwright://session/active"


def _project(client_roots: ListRootsResult) -> Path:
    """The project of the calling client's first root."""
    roots = root_paths(client_roots)
    return project_dir(roots[0]) if roots else project_dir()


@tool_errors
async def append_session_report_tool(
    client_roots: Annotated[ListRootsResult, Resolve(ask_roots)],
    agent: Annotated[str, Field(description="who wrote the report, e.g. llm-ml-engineer", min_length=1)],
    report: Annotated[str, Field(description="the report in markdown; secrets are redacted before it is written")],
    title: Annotated[str | None, Field(description="report title (default: the report's first heading)")] = None,
    session: Annotated[
        str | None,
        Field(description="an active session's file name in .claude/sessions/active/ (default: the active session)"),
    ] = None,
) -> AppendResult:
    """Append a report to the project's active session file (or, with none active, write a standalone report)."""
    project = _project(client_roots)
    append = functools.partial(append_report, project, agent, report, title=title, session=session)
    return await anyio.to_thread.run_sync(append)  # the file lock may wait: not on the event loop


def active_session_markdown(root: Path | None) -> str:
    """The active session file of the project at `root` (the client's first root; None: the default
    project), or one line saying there is none and how to start one."""
    project = project_dir(root) if root else project_dir()
    try:
        return show_session(project).content
    except SessionError as exc:
        return f"{exc} (project: {project})\n"


def register(server: MCPServer, state: ServerState) -> None:
    server.add_tool(
        append_session_report_tool, name="append_session_report", title="Append a session report", annotations=APPEND
    )
    server.resource(
        ACTIVE_SESSION_URI,
        name="active-session",
        description="The project's active session file (.claude/sessions/active/*.md) with every report so far",
        mime_type="text/markdown",
    )(functools.partial(active_session_markdown, None))  # read per client: the GuardedServer passes its root


__all__ = ["ACTIVE_SESSION_URI", "register"]
