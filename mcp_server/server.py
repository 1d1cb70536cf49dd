"""The MCP server: tools, resources and prompts registered from their registries."""

from __future__ import annotations

import logging
import sys

from mcp.server.mcpserver import MCPServer

from tools import __version__

from .mcp_tools import register_all

INSTRUCTIONS = (
    "llmwright answers questions about LLM models from an offline catalog: list_models for prices, "
    "windows and capabilities; estimate_tokens for token counts (exact for OpenAI, marked estimates "
    "elsewhere); estimate_cost for cost per call/day/month, context fit and cheaper alternatives."
)


def build_server(allowed_roots: list[str] | None = None) -> MCPServer:
    """`allowed_roots`: directories `audit_repo` may read besides the client's roots (--allow-root)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    server = MCPServer(
        "llmwright",
        title="llmwright",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level="WARNING",
    )
    register_all(server)
    from .mcp_tools.audit import allow_roots

    allow_roots(allowed_roots or [])
    return server
