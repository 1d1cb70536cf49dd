"""MCP tools, registered in one place: each module's `register(server)` adds its tools."""

from __future__ import annotations

from collections.abc import Callable

from mcp.server.mcpserver import MCPServer

from . import audit, catalog, estimate, gateway, prompts, select, session

REGISTRARS: list[Callable[[MCPServer], None]] = [catalog.register, estimate.register, select.register, audit.register]
REGISTRARS += [gateway.register]
REGISTRARS += [session.register]
REGISTRARS += [prompts.register]


def register_all(server: MCPServer) -> None:
    for register in REGISTRARS:
        register(server)
