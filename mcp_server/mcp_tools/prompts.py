"""The prompt library over MCP: every template as an MCP prompt, `run_prompt`, and discovery.

- prompts/list and prompts/get serve each template with the arguments its frontmatter
  declares (a `kind: system` template comes back as its system text, then the user turn:
  MCP prompt messages have no system role);
- `run_prompt` renders a template, calls the gateway (the process-wide one `call_llm`
  uses) and validates the answer against the template's schema, with one corrective retry;
  a disabled gateway or unreachable providers come back as a typed result, not an error;
- `list_prompt_templates` gives names, arguments and output schemas to clients without
  prompt support; `llmwright://prompts/{name}` is a template's raw markdown.

The library is read when the server starts (built-ins plus `LLMWRIGHT_PROMPTS_DIR` and
`[prompts] dirs`); a malformed user template is logged and left out, the rest are served.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.server.mcpserver.prompts.base import Message, Prompt, PromptArgument, UserMessage
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, ToolAnnotations
from pydantic import Field

from llmwright.errors import InvalidInput
from llmwright.prompts import (
    PromptRunResult,
    PromptTemplate,
    TemplateList,
    describe,
    load_prompt_settings,
    render,
    run_prompt,
)

from ..state import ServerState, server_state
from .guard import READ_ONLY, tool_errors

logger = logging.getLogger("llmwright.mcp")
RUN = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)


class TemplatePrompt(Prompt):
    """An MCP prompt rendered by the engine, so missing and unknown arguments get its one-line message.

    (The SDK's own check would answer a missing argument with "Internal server error".)
    """

    template: PromptTemplate = Field(exclude=True)

    async def render(self, arguments: dict[str, Any] | None, context: Any) -> list[Message]:  # type: ignore[override]
        try:
            rendered = render(self.template, arguments or {})
        except InvalidInput as exc:
            raise MCPError(INVALID_PARAMS, str(exc)) from exc
        if rendered.system is None:
            return [UserMessage(rendered.user)]
        return [UserMessage(rendered.system), UserMessage(rendered.user)]


def as_mcp_prompt(template: PromptTemplate) -> Prompt:
    return TemplatePrompt(
        name=template.name,
        title=template.title,
        description=template.description,
        arguments=[
            PromptArgument(name=a.name, description=a.description, required=a.required) for a in template.arguments
        ],
        fn=lambda: None,  # never called: render() above does the work
        template=template,
    )


@tool_errors
async def run_prompt_tool(
    ctx: Context,
    template: Annotated[str, Field(description="template name, e.g. executive-summary (see list_prompt_templates)")],
    variables: Annotated[
        dict[str, Any], Field(description="the template's arguments by name; strings, or JSON values")
    ] = {},  # noqa: B006
    model: Annotated[str | None, Field(description="provider:model; default: [prompts] model in config")] = None,
    fallback: Annotated[list[str], Field(max_length=10, description="models to try next, in order")] = [],  # noqa: B006
    route: Annotated[str | None, Field(description="a configured [routes.NAME] chain")] = None,
    use_cache: Annotated[bool, Field(description="false: neither read nor write the cache")] = True,
) -> PromptRunResult:
    """Run a prompt template: render it, call the model, validate JSON output (one corrective retry).

    status is ok, invalid_output (failed the schema twice; both answers in calls), disabled
    (LLMWRIGHT_ENABLED=0) or unavailable (no provider answered; attempts says why).
    """
    state = server_state(ctx)
    return await run_prompt(
        state.gateway(),
        state.library().get(template),
        variables,
        model=model,
        fallback=fallback,
        route=route,
        settings=load_prompt_settings(),
        use_cache=use_cache,
    )


@tool_errors
def list_prompt_templates_tool(ctx: Context) -> TemplateList:
    """Every prompt template: name, description, arguments (required or not), output JSON schema, cache TTL."""
    return describe(server_state(ctx).library())


def register(server: MCPServer, state: ServerState) -> None:
    for template in state.library().all():
        server.add_prompt(as_mcp_prompt(template))
    server.add_tool(run_prompt_tool, name="run_prompt", title="Run a prompt template", annotations=RUN)
    server.add_tool(
        list_prompt_templates_tool, name="list_prompt_templates", title="List prompt templates", annotations=READ_ONLY
    )

    @server.resource(
        "llmwright://prompts/{name}",
        name="prompt-template",
        description="A prompt template's markdown source: YAML frontmatter (arguments, output schema) and body",
        mime_type="text/markdown",
    )
    def template_resource(name: str) -> str:
        try:
            path = state.library().get(name).path
            return Path(path or "").read_text(encoding="utf-8")
        except (InvalidInput, OSError) as exc:
            raise ResourceNotFoundError(str(exc)) from exc
