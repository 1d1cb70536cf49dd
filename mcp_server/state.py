"""What one MCP server process keeps between tool calls, opened lazily and closed on shutdown.

Breakers, rate limiters and recent latencies only mean something if they outlive one tool call,
so the gateway lives here for the server's life. Nothing is built at start-up that a client may
never use: a broken `llmwright.toml` must not stop the server from answering `initialize`, and
becomes a tool error naming the problem on the first call that needs the configuration.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import Context

from llmwright.config import ServerConfig, load_config
from llmwright.errors import LLMWrightError
from llmwright.prompts import PromptLibrary, load_library, load_prompt_settings

if TYPE_CHECKING:
    from llmwright.gateway import Gateway

logger = logging.getLogger("llmwright.mcp")


@dataclass
class ServerState:
    """The server's long-lived objects; tools reach it with `server_state(ctx)`."""

    allowed_roots: list[Path] = field(default_factory=list)
    _gateway: Gateway | None = None
    _library: PromptLibrary | None = None
    _limits: ServerConfig | None = None

    @classmethod
    def create(cls, allowed_roots: list[str] | None = None) -> ServerState:
        """`allowed_roots`: directories `audit_repo` may read besides the client's roots (--allow-root)."""
        return cls(allowed_roots=[Path(r).expanduser().resolve() for r in allowed_roots or []])

    def gateway(self) -> Gateway:
        """The server's one gateway, built on first use from the configuration."""
        if self._gateway is None:
            from llmwright.gateway import Gateway  # the provider SDKs take a second to import

            self._gateway = Gateway()
        return self._gateway

    def library(self) -> PromptLibrary:
        """The templates this server serves, read once: prompts/list must not change under a client."""
        if self._library is None:
            try:
                self._library = load_library(configured=load_prompt_settings().dirs)
            except LLMWrightError as exc:
                logger.error("prompt settings or directories unusable (%s); serving the built-in templates only", exc)
                self._library = load_library()
            for name, problem in self._library.problems.items():
                logger.warning("prompt template %s not served: %s", name, problem)
        return self._library

    def limits(self) -> ServerConfig:
        """`[server]` limits on what one request may carry, read once (defaults when the file is broken)."""
        if self._limits is None:
            try:
                self._limits = load_config().server
            except LLMWrightError as exc:
                logger.error("llmwright.toml unusable (%s); the server uses its default input limits", exc)
                self._limits = ServerConfig()
        return self._limits

    async def aclose(self) -> None:
        """Close the gateway's connections and cache; the next call after this opens new ones."""
        gateway, self._gateway = self._gateway, None
        if gateway is not None:
            await gateway.aclose()


def lifespan_of(state: ServerState) -> Any:
    """The server's lifespan: hands `state` to every request and closes it when the server stops."""

    @asynccontextmanager
    async def lifespan(_server: Any) -> AsyncIterator[ServerState]:
        try:
            yield state
        finally:
            await state.aclose()

    return lifespan


def server_state(ctx: Context) -> ServerState:
    """The state of the server handling this request."""
    state = ctx.request_context.lifespan_context
    if not isinstance(state, ServerState):
        raise RuntimeError("the llmwright MCP server was built without its lifespan (use build_server)")
    return state
