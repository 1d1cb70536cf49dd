"""`call_llm`, `provider_status` and `usage_report`: the gateway over MCP.

One `Gateway` per server process (in the server's state), so breakers, limiters and recent
latencies persist across tool calls (configured from LLMWRIGHT_CONFIG, ./llmwright.toml or pyproject).
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from llmwright.errors import InvalidInput
from llmwright.gateway import CallRequest, CallResult, ProviderStatus
from llmwright.usage import UsageSummary, summarise

from ..state import ServerState, server_state
from .guard import READ_ONLY, tool_errors
from .preflight import preflight

CALL = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)


class ProviderStatusReport(BaseModel):
    providers: list[ProviderStatus]


@tool_errors
async def call_llm_tool(
    ctx: Context,
    model: Annotated[str | None, Field(description="provider:model, e.g. anthropic:claude-sonnet-4-6")] = None,
    prompt: Annotated[str | None, Field(description="user prompt (give prompt or messages)")] = None,
    messages: Annotated[list[dict[str, Any]] | None, Field(description="OpenAI-shape messages")] = None,
    fallback: Annotated[list[str], Field(max_length=10, description="models to try next, in order")] = [],  # noqa: B006
    route: Annotated[str | None, Field(description="a configured [routes.NAME] chain")] = None,
    system: Annotated[str | None, Field(description="system prompt")] = None,
    max_tokens: Annotated[int | None, Field(ge=1, le=2_000_000)] = None,
    temperature: Annotated[float | None, Field(ge=0, le=2)] = None,
    json_schema: Annotated[dict[str, Any] | None, Field(description="answer as JSON matching this schema")] = None,
    timeout_s: Annotated[float | None, Field(gt=0, le=600, description="per-attempt timeout")] = None,
) -> CallResult:
    """Call a model through the gateway (retries, fallback, cache, ledger); streams progress notifications.

    Checked before sending: every model of the chain is known to the catalog and not retired, and
    the prompt plus max_tokens fits its context window."""
    if (prompt is None) == (messages is None):
        raise InvalidInput("give exactly one of prompt or messages")
    request = CallRequest(
        messages=messages if messages is not None else [{"role": "user", "content": prompt}],
        system=system,
        max_tokens=max_tokens,
        temperature=temperature,
        timeout_s=timeout_s,
        response_format={"type": "json_schema", "json_schema": {"name": "answer", "schema": json_schema}}
        if json_schema
        else None,
    )
    gateway = server_state(ctx).gateway()
    await anyio.to_thread.run_sync(preflight, gateway, request, model, fallback, route)  # counting takes CPU
    received = 0
    async for item in gateway.stream(request, model, fallback=fallback, route=route):
        if isinstance(item, CallResult):
            return item
        received += len(item)
        await ctx.report_progress(received, None, item)
    raise InvalidInput("the stream ended without a result")  # unreachable: stream always ends with one


@tool_errors
async def provider_status_tool(ctx: Context) -> ProviderStatusReport:
    """Breaker state, 429 cool-down, rate-limit headroom, recent latency and error rate, budget use and
    whether these are shared through Redis, per provider. No secrets."""
    return ProviderStatusReport(providers=await server_state(ctx).gateway().status())


@tool_errors
def usage_report_tool(
    ctx: Context,
    since: Annotated[
        str | None,
        Field(max_length=64, description="from this ISO date or time (2026-11-01) or duration back (24h, 7d, 2w)"),
    ] = None,
) -> UsageSummary:
    """Calls, error rate, p50/p95/p99 latency, cost per model and per day, cache hit rate."""
    ledger = server_state(ctx).gateway().ledger
    return summarise(ledger.path if ledger else None, since)


def register(server: MCPServer, state: ServerState) -> None:
    server.add_tool(call_llm_tool, name="call_llm", title="Call an LLM with fallback", annotations=CALL)
    server.add_tool(provider_status_tool, name="provider_status", title="Provider status", annotations=READ_ONLY)
    server.add_tool(usage_report_tool, name="usage_report", title="Usage report", annotations=READ_ONLY)
