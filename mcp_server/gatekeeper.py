"""The MCP SDK's server with its three doors narrowed: tools, prompts and resources.

The SDK validates arguments and reports failures itself, in pydantic's words (with its docs
URLs and the rejected input), answers an unknown prompt with "Internal server error", and
repeats whatever name or URI a client sent. `GuardedServer` checks a request before any work
starts (known tool, prompt and argument names, sizes within `[server]`), turns what the SDK
or the engine says into one bounded line, and reads the active-session resource for the
calling client's own roots.
"""

from __future__ import annotations

import difflib
import logging
import os
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import anyio
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError, UnexpectedToolError
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError
from mcp.shared.message import ServerMessageMetadata
from mcp_types import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    GetPromptResult,
    InputRequiredResult,
    ListRootsRequest,
    ListRootsResult,
)
from mcp_types.version import is_version_at_least
from pydantic import ValidationError

from llmwright.errors import InvalidInput

from .errors import describe_validation
from .frames import INVALID_REQUEST_METHOD, RepairedLines
from .limits import EXCERPT_CHARS, bounded, check_request, excerpt, strings_in
from .mcp_tools.roots import root_paths
from .mcp_tools.session import ACTIVE_SESSION_URI, active_session_markdown
from .state import ServerState

logger = logging.getLogger("llmwright.mcp")
MAX_URI_CHARS = 2048
SDK_PREFIX = "Error executing tool "
INPUT_REQUIRED_VERSION = "2026-07-28"  # from this protocol version on, a server asks a client through results
ROOTS_KEY = "llmwright-roots"


def _closest(name: str, known: Iterable[str]) -> str:
    match = difflib.get_close_matches(name[:100], list(known), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


async def bounded_errors(ctx: Any, call_next: Any) -> Any:
    """Server middleware: a protocol-level error (unknown method, malformed params) in one bounded line,
    its `data` dropped when long - the SDK would put a 100 kB method name in it."""
    if ctx.method == INVALID_REQUEST_METHOD:  # a malformed request frames.py made answerable
        reason = (ctx.params or {}).get("reason", "malformed request")
        raise MCPError(INVALID_REQUEST, f"invalid request: {excerpt(str(reason))}")
    try:
        return await call_next(ctx)
    except MCPError as exc:
        data = exc.error.data
        if data is not None and len(str(data)) > EXCERPT_CHARS:
            data = excerpt(data) if isinstance(data, str) else None
        raise MCPError(exc.error.code, bounded(exc.error.message), data=data) from exc
    except ValidationError as exc:
        method = excerpt(str(ctx.method))
        raise MCPError(INVALID_PARAMS, bounded(f"{method}: {describe_validation(exc)}")) from exc


class GuardedServer(MCPServer):
    """`MCPServer` that refuses oversized or misnamed requests up front and answers in bounded lines."""

    def __init__(self, state: ServerState, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = state
        self.middleware.append(bounded_errors)

    async def run_stdio_async(self) -> None:
        """The SDK's stdio transport, reading lines through `RepairedLines` so no request goes unanswered."""
        stdin = os.fdopen(os.dup(sys.stdin.fileno()), "r", encoding="utf-8", errors="replace", closefd=True)
        async with stdio_server(stdin=RepairedLines(anyio.wrap_file(stdin))) as (read_stream, write_stream):
            await self._lowlevel_server.run(
                read_stream, write_stream, self._lowlevel_server.create_initialization_options()
            )

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Context | None = None) -> Any:
        sent = list(strings_in(arguments))
        tool = self._tool_manager.get_tool(name)
        if tool is None:
            known = [t.name for t in self._tool_manager.list_tools()]
            raise ToolError(f"unknown tool {excerpt(name)!r}{_closest(name, known)}; tools/list names them")
        expected = list((tool.parameters or {}).get("properties", {}))
        unknown = [key for key in arguments if key not in expected]
        if unknown:
            key = str(unknown[0])
            raise ToolError(
                f"{name}: unknown argument {excerpt(key)!r}{_closest(key, expected)}; "
                f"it takes {', '.join(expected) or 'no arguments'}"
            )
        try:
            check_request(arguments, self.state.limits(), name)
            return await super().call_tool(name, arguments, context)
        except InvalidInput as exc:
            raise ToolError(bounded(str(exc), sent)) from exc
        except UnexpectedToolError as exc:  # a crash: its details stay in the server's log
            raise UnexpectedToolError(f"{name} failed unexpectedly (the server log has the details)") from exc
        except ToolError as exc:
            raise ToolError(bounded(self._tool_message(name, exc), sent)) from exc.__cause__

    @staticmethod
    def _tool_message(name: str, exc: ToolError) -> str:
        if isinstance(exc.__cause__, ValidationError):
            return f"{name}: {describe_validation(exc.__cause__)}"
        message = str(exc)
        if message.startswith(f"{SDK_PREFIX}{name}: "):
            message = message[len(SDK_PREFIX) + len(name) + 2 :]
        return f"{name}: {message}"

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context | None = None
    ) -> GetPromptResult | Any:
        sent = [name, *strings_in(arguments or {})]
        if self._prompt_manager.get_prompt(name) is None:
            known = [p.name for p in self._prompt_manager.list_prompts()]
            raise MCPError(
                INVALID_PARAMS, f"unknown prompt {excerpt(name)!r}{_closest(name, known)}; prompts/list names them"
            )
        try:
            check_request(arguments or {}, self.state.limits(), f"prompt {name}")
            return await super().get_prompt(name, arguments, context)
        except InvalidInput as exc:
            raise MCPError(INVALID_PARAMS, bounded(str(exc), sent)) from exc
        except MCPError as exc:
            raise MCPError(exc.error.code, bounded(exc.error.message, sent)) from exc

    async def read_resource(self, uri: Any, context: Context | None = None) -> Any:
        text = str(uri)
        if len(text) > MAX_URI_CHARS:
            raise MCPError(INVALID_PARAMS, f"resource URI of {len(text):,} characters: llmwright's are short")
        if text == ACTIVE_SESSION_URI:
            root = await self._client_root(context)
            if isinstance(root, InputRequiredResult):
                return root
            return [ReadResourceContents(content=active_session_markdown(root), mime_type="text/markdown")]
        try:
            return await super().read_resource(uri, context)
        except ResourceError as exc:  # not found, or a template that refused: one bounded line, no URI echo
            raise MCPError(INVALID_PARAMS, bounded(str(exc), [text, *text.split("/")])) from exc

    async def _client_root(self, context: Context | None) -> Path | InputRequiredResult | None:
        """The first root of the client reading the resource (never another client's project): asked
        with `roots/list`, or at 2026-07-28 and later through an input-required round trip."""
        if context is None or getattr(context.client_capabilities, "roots", None) is None:
            return None
        version = context.protocol_version
        try:
            if version is not None and is_version_at_least(version, INPUT_REQUIRED_VERSION):
                answer = (context.input_responses or {}).get(ROOTS_KEY)
                if answer is None:
                    return InputRequiredResult(input_requests={ROOTS_KEY: ListRootsRequest()})
                result = ListRootsResult.model_validate(answer.model_dump(mode="json", by_alias=True))
            elif getattr(context.session, "can_send_request", True):
                with warnings.catch_warnings():  # roots are deprecated in the newest protocol, still what clients send
                    warnings.simplefilter("ignore")
                    result = await context.session.send_request(
                        ListRootsRequest(),
                        ListRootsResult,
                        metadata=ServerMessageMetadata(related_request_id=context.request_id),
                    )
            else:
                return None
        except Exception as exc:  # a client that cannot answer: the default project, never someone else's
            logger.info("could not read the client's roots for %s: %s", ACTIVE_SESSION_URI, type(exc).__name__)
            return None
        roots = root_paths(result)
        return roots[0] if roots else None


__all__ = ["GuardedServer"]
