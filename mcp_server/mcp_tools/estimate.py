"""`estimate_tokens` and `estimate_cost`: the same engine call as `llmwright estimate`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from llmwright.estimate import MAX_MODELS, EstimateReport, EstimateRequest, estimate
from llmwright.tokens import TokenCount

from ..state import ServerState
from .guard import READ_ONLY, tool_errors

Models = Annotated[
    list[str],
    Field(min_length=1, max_length=MAX_MODELS, description="provider:model references, e.g. openai:gpt-4o"),
]
ChatModels = Annotated[
    list[str],
    Field(max_length=MAX_MODELS, description="provider:model references, e.g. openai:gpt-4o"),
]
EmbeddingModels = Annotated[
    list[str],
    Field(
        max_length=MAX_MODELS,
        description="embedding models priced on the same text (RAG), e.g. openai:text-embedding-3-small",
    ),
]
Text = Annotated[str | None, Field(description="plain prompt text (give text or messages)")]
Messages = Annotated[
    list[dict[str, Any]] | dict[str, Any] | None,
    Field(description="chat messages: a list of {role, content}, or an OpenAI/Anthropic request object"),
]


# `exact: true` asks Anthropic's count-tokens API: read-only, but it reaches the network.
COUNT = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)


class TokenEstimates(BaseModel):
    data_version: str
    data_date: date
    data_notice: str | None = None
    results: list[TokenCount]


@tool_errors
def estimate_tokens_tool(
    models: Models,
    text: Text = None,
    messages: Messages = None,
    exact: Annotated[
        bool, Field(description="count Claude with Anthropic's API (server needs ANTHROPIC_API_KEY)")
    ] = False,
) -> TokenEstimates:
    """Count input tokens per model: exact for OpenAI (tiktoken), marked estimates with an error band elsewhere."""
    report = estimate(EstimateRequest(models=models, text=text, messages=messages, exact=exact, alternatives=0))
    return TokenEstimates(
        data_version=report.data_version,
        data_date=report.data_date,
        data_notice=report.data_notice,
        results=[r.tokens for r in report.results],
    )


@tool_errors
def estimate_cost_tool(
    models: ChatModels = [],  # noqa: B006 - pydantic copies defaults
    embedding_models: EmbeddingModels = [],  # noqa: B006
    text: Text = None,
    messages: Messages = None,
    input_tokens: Annotated[int | None, Field(ge=1, description="a known input size instead of text/messages")] = None,
    max_output: Annotated[int, Field(ge=1, le=2_000_000, description="requested max output tokens")] = 1024,
    expected_output: Annotated[int | None, Field(ge=0, description="output tokens billed per call")] = None,
    reasoning_tokens: Annotated[int, Field(ge=0, description="hidden reasoning tokens, billed as output")] = 0,
    requests_per_day: Annotated[float | None, Field(ge=0, le=1e10, description="volume for day/month totals")] = None,
    cache_hit: Annotated[float, Field(ge=0, le=1, description="share of input served from the prompt cache")] = 0.0,
    batch: Annotated[bool, Field(description="use the provider's batch price")] = False,
    alternatives: Annotated[int, Field(ge=0, le=20, description="cheaper alternatives per model")] = 3,
) -> EstimateReport:
    """Cost per call, per day and per month, context-window fit and cheaper alternatives, per model."""
    request = EstimateRequest(
        models=models,
        embedding_models=embedding_models,
        text=text,
        messages=messages,
        input_tokens=input_tokens,
        max_output=max_output,
        expected_output=expected_output,
        reasoning_tokens=reasoning_tokens,
        requests_per_day=requests_per_day,
        cache_hit=cache_hit,
        batch=batch,
        alternatives=alternatives,
    )
    return estimate(request)


def register(server: MCPServer, state: ServerState) -> None:
    server.add_tool(estimate_tokens_tool, name="estimate_tokens", title="Estimate tokens", annotations=COUNT)
    server.add_tool(estimate_cost_tool, name="estimate_cost", title="Estimate cost and fit", annotations=READ_ONLY)
