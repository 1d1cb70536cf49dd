"""`llmwright call`: one prompt through the gateway, with fallback."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

from llmwright.config import load_config
from llmwright.errors import InvalidInput
from llmwright.gateway import CallRequest, CallResult, Gateway, LLMError

from .options import config_option, text_format_option


@click.command("call")
@click.argument("prompt")
@click.option("--model", "-m", default=None, help="provider:model, e.g. anthropic:claude-sonnet-4-5")
@click.option("--fallback", "-f", multiple=True, help="next model to try when the previous one fails (repeatable)")
@click.option("--route", "-r", default=None, help="a [routes.NAME] chain from the configuration")
@click.option("--system", "-s", default=None, help="system prompt")
@click.option("--stream", is_flag=True, help="print the answer as it arrives")
@click.option("--max-tokens", type=click.IntRange(1, 2_000_000), default=None)
@click.option("--temperature", type=click.FloatRange(0, 2), default=None)
@click.option(
    "--json-schema", type=click.Path(exists=True, dir_okay=False), default=None, help="answer as JSON matching F"
)
@click.option("--timeout", "timeout_s", type=click.FloatRange(0.1, 3600), default=None, help="per-attempt timeout (s)")
@click.option("--no-cache", is_flag=True, help="neither read nor write the response cache")
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
    config_path: str | None,
    output_format: str,
) -> None:
    """Send PROMPT (or - for stdin) to a model, falling back down the chain on failure."""
    if prompt == "-":
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise InvalidInput("the prompt is empty")
    response_format = None
    if json_schema:
        try:
            schema = json.loads(Path(json_schema).read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"--json-schema {json_schema} is not valid JSON: {exc}") from exc
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
    try:
        result = asyncio.run(_run(config, request, model, list(fallback), route, stream, output_format == "text"))
    except LLMError as exc:
        if output_format == "json":
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
