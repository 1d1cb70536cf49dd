"""`llmwright call`: one prompt through the gateway, with fallback."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING

import click

from .options import config_option, text_format_option

if TYPE_CHECKING:
    from llmwright.gateway import CallResult


@click.command("call")
@click.argument("prompt")
@click.option("--model", "-m", default=None, help="provider:model, e.g. anthropic:claude-sonnet-4-6")
@click.option("--fallback", "-f", multiple=True, help="next model to try when the previous one fails (repeatable)")
@click.option("--route", "-r", default=None, help="a [routes.NAME] chain from the configuration")
@click.option("--system", "-s", default=None, help="system prompt")
@click.option("--stream", is_flag=True, help="print the answer as it arrives")
@click.option("--max-tokens", type=click.IntRange(1, 2_000_000), default=None)
@click.option("--temperature", type=click.FloatRange(0, 2), default=None)
@click.option(
    "--json-schema", type=click.Path(dir_okay=False, allow_dash=True), default=None, help="answer as JSON matching F"
)
@click.option("--timeout", "timeout_s", type=click.FloatRange(0.1, 3600), default=None, help="per-attempt timeout (s)")
@click.option("--no-cache", is_flag=True, help="neither read nor write the response cache")
@click.option("--allow-retired", is_flag=True, help="send to a model past its retirement date anyway")
@config_option
@text_format_option
def call_command(
    prompt: str,
    model: str | None,
    fallback: tuple[str, ...],
    route: str | None,
    system: str | None,
    stream: bool,
    max_tokens: int | None,
    temperature: float | None,
    json_schema: str | None,
    timeout_s: float | None,
    no_cache: bool,
    allow_retired: bool,
    config_path: str | None,
    output_format: str,
) -> None:
    """Send PROMPT (or - for stdin) to a model, falling back down the chain on failure.

    Checked before sending: the model is known and not retired, --max-tokens is within its
    output limit and the prompt fits its context window (exit 2 otherwise).
    """
    from llmwright.config import load_config
    from llmwright.errors import InvalidInput
    from llmwright.gateway import CallRequest, LLMError
    from llmwright.tokens import read_json_file, read_stdin

    if prompt == "-" and json_schema == "-":
        raise InvalidInput("only one of PROMPT and --json-schema can be '-' (standard input)")
    if prompt == "-":
        prompt = read_stdin()
    if not prompt.strip():
        raise InvalidInput("the prompt is empty")
    response_format = None
    if json_schema:
        schema = read_json_file(json_schema)
        if not isinstance(schema, dict):
            raise InvalidInput(f"--json-schema {json_schema} must hold a JSON object (a JSON Schema)")
        response_format = {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
    request = CallRequest.from_prompt(
        prompt,
        system=system,
        max_tokens=max_tokens,
        temperature=temperature,
        response_format=response_format,
        timeout_s=timeout_s,
        cache_ttl_s=0 if no_cache else None,
    )
    config = load_config(config_path)
    if allow_retired:
        config = config.model_copy(update={"gateway": config.gateway.model_copy(update={"allow_retired": True})})
    try:
        result = asyncio.run(_run(config, request, model, list(fallback), route, stream, output_format == "text"))
    except LLMError as exc:
        if output_format == "json" and not isinstance(exc, InvalidInput):
            attempts = [a.model_dump() for a in exc.attempts]
            partial = getattr(exc, "partial_text", None)
            print(
                json.dumps(
                    {"error": type(exc).__name__, "message": str(exc), "attempts": attempts, "partial_text": partial},
                    indent=2,
                )
            )
            sys.exit(1)
        raise
    if output_format == "json":
        print(result.model_dump_json(indent=2))
        return
    if not stream:
        click.echo(result.text)
    if result.disabled:
        click.echo("note: the gateway is disabled (LLMWRIGHT_ENABLED=0); no call was made", err=True)
        return
    cost = "unpriced" if result.cost_usd is None else f"${result.cost_usd:.6f}"
    origin = "cache" if result.cached else f"{len(result.attempts)} attempt(s)"
    click.echo(f"-- {result.provider}:{result.model} · {result.latency_ms:.0f} ms · {cost} · {origin}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


async def _run(config, request, model, fallback, route, stream: bool, echo: bool) -> CallResult:  # type: ignore[no-untyped-def]
    from llmwright.gateway import CallResult, Gateway

    async with Gateway(config) as gateway:
        if not stream:
            return await gateway.complete(request, model, fallback=fallback, route=route)
        result: CallResult | None = None
        async for item in gateway.stream(request, model, fallback=fallback, route=route):
            if isinstance(item, CallResult):
                result = item
            elif echo:
                sys.stdout.write(item)
                sys.stdout.flush()
        if echo:
            sys.stdout.write("\n")
        assert result is not None
        return result
