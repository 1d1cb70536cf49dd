"""Engine errors become MCP tool errors with a message the model can act on."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar, cast

from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import ValidationError

from llmwright.errors import LLMWrightError

from ..errors import describe_validation

P = ParamSpec("P")
R = TypeVar("R")
logger = logging.getLogger("llmwright.mcp")

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)


@contextmanager
def _as_tool_error() -> Iterator[None]:
    """Anything the caller can fix becomes a `ToolError`: an isError result, the server stays up."""
    try:
        yield
    except ValidationError as exc:
        raise ToolError(describe_validation(exc)) from exc
    except LLMWrightError as exc:
        raise ToolError(str(exc)) from exc


def tool_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Engine and validation errors of a tool, sync or async, become tool errors with a one-line message."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: P.args, **kwargs: P.kwargs) -> Any:
            with _as_tool_error():
                return await fn(*args, **kwargs)

        return cast(Callable[P, R], run_async)

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with _as_tool_error():
            return fn(*args, **kwargs)

    return run
