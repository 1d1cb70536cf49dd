"""`llmwright run TEMPLATE --var k=v …` and `llmwright run --pipeline FILE …`: the prompt library.

Exit codes: 0 an answer (or the gateway is disabled: nothing was called, a note says so),
1 no provider answered or the answer failed its schema twice, 2 bad input (unknown
template, missing or unknown variable, no model). `--format json` prints the full
`PromptRunResult` / `PipelineResult` whatever the outcome.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from llmwright.config import load_config
from llmwright.errors import InvalidInput
from llmwright.gateway import Gateway
from llmwright.prompts import (
    PipelineResult,
    PromptLibrary,
    PromptRunResult,
    PromptSettings,
    load_library,
    load_pipeline,
    load_prompt_settings,
    run_pipeline,
    run_prompt,
    stream_prompt,
)

from .options import config_option, text_format_option

prompts_dir_option = click.option(
    "--prompts-dir",
    "prompts_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="directory of your own templates, searched before the built-in ones (repeatable)",
)


def parse_vars(pairs: Iterable[str], files: Iterable[str]) -> dict[str, str]:
    """`--var NAME=VALUE` and `--var-file NAME=PATH` (PATH `-` reads stdin) into one mapping."""
    variables: dict[str, str] = {}

    def put(name: str, value: str, option: str) -> None:
        if not name.isidentifier():
            raise InvalidInput(f"{option} expects NAME=VALUE with NAME a variable name, got {name!r}")
        if name in variables:
            raise InvalidInput(f"variable {name} is given twice")
        variables[name] = value

    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"--var expects NAME=VALUE, got {pair!r}")
        put(name.strip(), value, "--var")
    for pair in files:
        name, sep, path = pair.partition("=")
        if not sep or not path:
            raise InvalidInput(f"--var-file expects NAME=PATH, got {pair!r}")
        put(name.strip(), _read(path), "--var-file")
    return variables


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInput(f"--var-file: {path} does not exist") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"--var-file: {path} is not UTF-8 text") from exc
    except OSError as exc:
        raise InvalidInput(f"--var-file: cannot read {path}: {exc.strerror}") from exc


@click.command("run")
@click.argument("template", required=False)
@click.option("--pipeline", "-p", default=None, help="run a pipeline file (or the name of a bundled one) instead")
@click.option("--var", "-v", "pairs", multiple=True, help="a template variable, NAME=VALUE (repeatable)")
@click.option("--var-file", "files", multiple=True, help="a variable read from a file, NAME=PATH (- for stdin)")
@click.option("--model", "-m", default=None, help="provider:model (default: [prompts] model in llmwright.toml)")
@click.option("--fallback", "-f", multiple=True, help="next model to try when the previous one fails (repeatable)")
@click.option("--route", "-r", default=None, help="a [routes.NAME] chain from the configuration")
@click.option("--stream", is_flag=True, help="print the answer as it arrives (templates without an output schema)")
@click.option("--max-tokens", type=click.IntRange(1, 2_000_000), default=None)
@click.option("--temperature", type=click.FloatRange(0, 2), default=None)
@click.option("--no-cache", is_flag=True, help="neither read nor write the response cache")
@prompts_dir_option
@config_option
@text_format_option
def run_command(
    template: str | None,
    pipeline: str | None,
    pairs: tuple[str, ...],
    files: tuple[str, ...],
    model: str | None,
    fallback: tuple[str, ...],
    route: str | None,
    stream: bool,
    max_tokens: int | None,
    temperature: float | None,
    no_cache: bool,
    prompts_dirs: tuple[str, ...],
    config_path: str | None,
    output_format: str,
) -> None:
    """Run prompt TEMPLATE (see `llmwright prompts list`) with its variables, or a --pipeline."""
    if (template is None) == (pipeline is None):
        raise InvalidInput("give a TEMPLATE name or --pipeline FILE (one of them)")
    if stream and (pipeline or output_format == "json"):
        raise InvalidInput("--stream prints one template's text as it arrives; drop it for --pipeline or --format json")
    variables = parse_vars(pairs, files)
    config = load_config(config_path)
    settings = load_prompt_settings(config_path)
    library = load_library(prompts_dirs, settings.dirs)
    if pipeline is not None:
        loaded = load_pipeline(library.pipeline_path(pipeline), library)
        outcome = asyncio.run(
            _pipeline(config, loaded, variables, library, settings, model, fallback, route, not no_cache)
        )
        _finish_pipeline(outcome, output_format)
        return
    assert template is not None
    chosen = library.get(template)
    options: dict[str, Any] = {
        "model": model,
        "fallback": list(fallback),
        "route": route,
        "settings": settings,
        "use_cache": not no_cache,
        "max_tokens": max_tokens,
        "temperature": temperature,
    }
    if stream and chosen.output_schema is not None:
        raise InvalidInput(
            f"template {chosen.name} has an output schema: its JSON answer is validated as a whole, "
            "so it cannot stream; run it without --stream"
        )
    result = asyncio.run(_single(config, chosen, variables, options, stream))
    _finish_single(result, output_format, streamed=stream)


async def _single(config, template, variables, options: dict[str, Any], stream: bool) -> PromptRunResult:  # type: ignore[no-untyped-def]
    async with Gateway(config) as gateway:
        if not stream:
            return await run_prompt(gateway, template, variables, **options)
        result: PromptRunResult | None = None
        wrote = False
        async for item in stream_prompt(gateway, template, variables, **options):
            if isinstance(item, PromptRunResult):
                result = item
            else:
                sys.stdout.write(item)
                sys.stdout.flush()
                wrote = True
        if wrote:
            sys.stdout.write("\n")
        assert result is not None
        return result


async def _pipeline(  # type: ignore[no-untyped-def]
    config, pipeline, inputs, library: PromptLibrary, settings: PromptSettings, model, fallback, route, use_cache: bool
) -> PipelineResult:
    async with Gateway(config) as gateway:
        return await run_pipeline(
            gateway,
            pipeline,
            inputs,
            library,
            model=model,
            fallback=list(fallback),
            route=route,
            settings=settings,
            use_cache=use_cache,
        )


def render_output(output: Any) -> str:
    return output if isinstance(output, str) else json.dumps(output, indent=2, ensure_ascii=False)


def summary_line(result: PromptRunResult) -> str:
    cost = "unpriced" if result.cost_usd is None else f"${result.cost_usd:.6f}"
    if result.cached:
        origin = "cache"
    elif len(result.calls) > 1:
        origin = f"{len(result.calls)} calls (corrective retry after a schema error)"
    else:
        origin = "1 call"
    return f"-- {result.template} · {result.provider}:{result.model} · {result.latency_ms:.0f} ms · {cost} · {origin}"


def _finish_single(result: PromptRunResult, output_format: str, streamed: bool) -> None:
    if output_format == "json":
        print(result.model_dump_json(indent=2))
    elif result.ok:
        if not streamed:
            click.echo(render_output(result.output))
        click.echo(summary_line(result), err=True)
    if result.status == "disabled":
        click.echo(f"note: {result.reason}", err=True)
    elif not result.ok:
        hint = "" if output_format == "json" else " (--format json shows every answer and attempt)"
        click.echo(f"error: {result.template}: {result.status.replace('_', ' ')}: {result.reason}{hint}", err=True)
        sys.exit(1)


def _finish_pipeline(result: PipelineResult, output_format: str) -> None:
    if output_format == "json":
        print(result.model_dump_json(indent=2))
    else:
        for step in result.steps:
            line = summary_line(step.result) if step.result.ok else f"-- {step.template} · {step.result.status}"
            click.echo(f"[{step.id}] {line}", err=True)
        if result.final_output is not None:
            click.echo(render_output(result.final_output))
    if result.status == "disabled":
        click.echo(f"note: {result.reason}", err=True)
    elif result.status != "ok":
        click.echo(f"error: pipeline {result.pipeline}: {result.status.replace('_', ' ')}: {result.reason}", err=True)
        sys.exit(1)
