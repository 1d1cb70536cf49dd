"""The client's roots (MCP `roots/list`): the directories a tool may touch on its behalf."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from mcp.server.mcpserver import Context, ListRoots
from mcp_types import ListRootsResult


def ask_roots(ctx: Context) -> ListRoots | ListRootsResult:
    """Ask the client for its roots (the framework sends `roots/list`) if it declared any."""
    caps = ctx.client_capabilities
    if caps is None or getattr(caps, "roots", None) is None:
        return ListRootsResult(roots=[])
    return ListRoots()


def root_paths(result: ListRootsResult) -> list[Path]:
    """The `file://` roots as resolved local paths; other schemes are ignored."""
    paths = []
    for root in result.roots:
        parsed = urlparse(str(root.uri))
        if parsed.scheme == "file":
            paths.append(Path(unquote(parsed.path)).resolve())
    return paths
