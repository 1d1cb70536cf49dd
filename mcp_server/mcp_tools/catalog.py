"""`list_models` and the catalog resources."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from pydantic import Field

from llmwright.catalog import ModelList, list_models, parse_capability
from llmwright.errors import InvalidInput

from ..state import ServerState
from .guard import READ_ONLY, tool_errors


@tool_errors
def list_models_tool(
    provider: Annotated[str | None, Field(description="only this provider, e.g. openai, anthropic, ollama")] = None,
    capabilities: Annotated[
        list[str],
        Field(description="required capabilities: tools, vision, json, structured_output, reasoning, streaming"),
    ] = [],  # noqa: B006 - pydantic copies defaults
    hosting: Annotated[Literal["hosted", "local"] | None, Field(description="hosted or local only")] = None,
    search: Annotated[str | None, Field(description="only references containing this text")] = None,
    include_retired: bool = False,
    kind: Annotated[
        Literal["chat", "embedding"] | None, Field(description="chat or embedding models only (default: both)")
    ] = None,
    limit: Annotated[int, Field(ge=1, le=2000, description="at most this many models; count gives the total")] = 100,
) -> ModelList:
    """List catalog models with prices (USD per million tokens), context windows, capabilities and status."""
    return list_models(
        provider=provider,
        capabilities=[parse_capability(c) for c in capabilities],
        hosting=hosting,
        include_retired=include_retired,
        search=search,
        limit=limit,
        kind=kind,
    )


def register(server: MCPServer, state: ServerState) -> None:
    server.add_tool(list_models_tool, name="list_models", title="List models", annotations=READ_ONLY)

    @server.resource(
        "llmwright://catalog",
        name="catalog",
        description="Every model llmwright knows: prices, windows, capabilities, status, sources",
        mime_type="application/json",
    )
    def catalog_resource() -> str:
        return list_models(include_retired=True).model_dump_json()

    @server.resource(
        "llmwright://catalog/{provider}",
        name="catalog-by-provider",
        description="The catalog entries of one provider",
        mime_type="application/json",
    )
    def provider_resource(provider: str) -> str:
        try:
            return list_models(provider=provider, include_retired=True).model_dump_json()
        except InvalidInput as exc:
            raise ResourceNotFoundError(str(exc)) from exc
