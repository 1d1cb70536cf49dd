"""MCP tools, registered in one place: each module's `register(server, state)` adds its tools."""

from __future__ import annotations

from collections.abc import Callable

from mcp.server.mcpserver import MCPServer

from ..state import ServerState
from . import audit, catalog, estimate, gateway, prompts, select, session

REGISTRARS: list[Callable[[MCPServer, ServerState], None]] = [
    catalog.register,
    estimate.register,
    select.register,
    audit.register,
    gateway.register,
    session.register,
    prompts.register,
]


def register_all(server: MCPServer, state: ServerState) -> None:
    for register in REGISTRARS:
        register(server, state)
