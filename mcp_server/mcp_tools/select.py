"""`select_model` and `compare_models`."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from tools.select import Recommendation, Requirements, recommend
from tools.select.compare import Comparison, compare
from tools.select.requirements import TaskKind

from .guard import READ_ONLY, tool_errors


@tool_errors
def select_model_tool(requirements: Requirements) -> Recommendation:
    """Recommend a primary model, a fallback chain on another provider and a budget option, with a decision
    matrix, justification, rejected models with the constraint each violates, and a gateway route snippet."""
    return recommend(requirements)


@tool_errors
def compare_models_tool(
    models: Annotated[list[str], Field(min_length=1, max_length=20, description="provider:model references")],
    kind: Annotated[TaskKind, Field(description="task kind for the quality column")] = "chat",
    input_tokens: Annotated[int, Field(ge=1, le=10_000_000)] = 1000,
    output_tokens: Annotated[int, Field(ge=1, le=1_000_000)] = 300,
    requests_per_day: Annotated[float | None, Field(gt=0, le=1e10)] = None,
) -> Comparison:
    """Side-by-side matrix (tier, quality, $/request, $/month, p95, context, capabilities) for named models."""
    return compare(models, kind, input_tokens, output_tokens, requests_per_day)


def register(server: MCPServer) -> None:
    server.add_tool(select_model_tool, name="select_model", title="Select a model", annotations=READ_ONLY)
    server.add_tool(compare_models_tool, name="compare_models", title="Compare models", annotations=READ_ONLY)
