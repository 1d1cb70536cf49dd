"""The MCP server: tools, resources and prompts registered from their registries."""

from __future__ import annotations

import logging
import sys

from mcp.server.mcpserver import MCPServer

from llmwright import __version__

from .gatekeeper import GuardedServer
from .mcp_tools import register_all
from .state import ServerState, lifespan_of

LOG_RECORD_CHARS = 4000


class BoundedFormatter(logging.Formatter):
    """Log records (tracebacks included) cut to a bounded length: a client's 10 MB argument must not
    land in the server's log, whatever message or exception repeats it."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if len(text) <= LOG_RECORD_CHARS:
            return text
        cut = len(text) - LOG_RECORD_CHARS
        return f"{text[: LOG_RECORD_CHARS - 1000]}\n… [{cut:,} characters cut] …\n{text[-1000:]}"


def log_to_stderr() -> None:
    """Warnings and errors to stderr (stdout is the stdio transport's), each record bounded."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, BoundedFormatter) for h in root.handlers):
        return
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(BoundedFormatter("%(levelname)s:%(name)s:%(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.WARNING)


INSTRUCTIONS = (
    "llmwright grounds LLM engineering decisions in data. Catalog and estimates (offline): list_models for "
    "prices, windows and capabilities; estimate_tokens for token counts (exact for OpenAI, marked estimates "
    "elsewhere); estimate_cost for cost per call/day/month, context fit and cheaper alternatives. Selection: "
    "select_model (requirements in, primary + fallbacks + route out), compare_models (side-by-side matrix), "
    "evaluate_models (run candidates on the user's own cases). Audit: audit_repo (production-readiness "
    "findings inside the client's roots). Gateway: call_llm (fallback, retries, cache), provider_status, "
    "usage_report. Prompts: run_prompt and list_prompt_templates (also served as MCP prompts). Sessions: "
    "append_session_report writes a report to the project's active session."
)


def build_server(allowed_roots: list[str] | None = None, state: ServerState | None = None) -> MCPServer:
    """`allowed_roots`: directories `audit_repo` may read besides the client's roots (--allow-root).

    `state` is the server's long-lived state (a fresh one by default); the lifespan closes it.
    """
    log_to_stderr()
    state = state or ServerState.create(allowed_roots)
    server = GuardedServer(
        state,
        "llmwright",
        title="llmwright",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level="WARNING",
        lifespan=lifespan_of(state),
    )
    register_all(server, state)
    return server
