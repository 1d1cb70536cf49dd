"""`llmwright estimate`: tokens, cost and context fit of a prompt on one or more models."""

from __future__ import annotations

import click

from .options import format_option
from .render import estimate_tables, print_json, show, width


@click.command("estimate")
@click.argument("text", required=False)
@click.option("--model", "-m", "models", multiple=True, help="provider:model; repeat to compare")
@click.option(
    "--embedding",
    "-e",
    "embedding_models",
    multiple=True,
    help="embedding model to price on the same text (RAG), e.g. openai:text-embedding-3-small; repeatable",
)
@click.option(
    "--file",
    "-f",
    "file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="read the prompt from a text file ('-' for stdin)",
)
@click.option(
    "--messages",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="chat messages JSON (OpenAI or Anthropic shape; '-' for stdin)",
)
@click.option("--max-output", type=int, default=1024, show_default=True, help="requested max output tokens")
@click.option("--expected-output", type=int, help="output tokens billed per call (default: --max-output)")
@click.option("--reasoning-tokens", type=int, default=0, help="hidden reasoning tokens per call, billed as output")
@click.option("--requests-per-day", type=float, help="volume for per-day and per-month projections")
@click.option("--cache-hit", type=float, default=0.0, help="share of input tokens served from the prompt cache (0-1)")
@click.option("--batch", is_flag=True, help="price with the provider's batch discount")
@click.option("--exact", is_flag=True, help="count Claude tokens with Anthropic's API (needs ANTHROPIC_API_KEY)")
@click.option("--alternatives", type=int, default=3, show_default=True, help="cheaper alternatives to list per model")
@format_option
def estimate_command(
    text: str | None,
    models: tuple[str, ...],
    embedding_models: tuple[str, ...],
    file: str | None,
    messages: str | None,
    max_output: int,
    expected_output: int | None,
    reasoning_tokens: int,
    requests_per_day: float | None,
    cache_hit: float,
    batch: bool,
    exact: bool,
    alternatives: int,
    output_format: str,
) -> None:
    """Count tokens (exact or estimate, marked), price the call and check it fits.

    Give the prompt as TEXT ('-' reads stdin), --file or --messages; --embedding prices
    embedding models on the same text.

    \b
    llmwright estimate -m openai:gpt-4o -m anthropic:claude-sonnet-4-6 "Hello"
    llmwright estimate -m openai:gpt-4o-mini --messages chat.json --requests-per-day 50000
    llmwright estimate -e openai:text-embedding-3-small --file chunk.txt --requests-per-day 1e6
    """
    from llmwright.errors import InvalidInput
    from llmwright.estimate import EstimateRequest, estimate
    from llmwright.tokens import read_json_file, read_stdin, read_text_file

    if not models and not embedding_models:
        raise InvalidInput("give a model: --model provider:model (or --embedding for an embedding model)")
    if sum(x is not None for x in (text, file, messages)) != 1:
        raise InvalidInput("give the prompt exactly one way: TEXT ('-' for stdin), --file FILE or --messages FILE.json")
    if text == "-":
        text = read_stdin()
    elif file is not None:
        text = read_text_file(file)
    request = EstimateRequest(
        models=list(models),
        embedding_models=list(embedding_models),
        text=text,
        messages=read_json_file(messages) if messages else None,
        max_output=max_output,
        expected_output=expected_output,
        reasoning_tokens=reasoning_tokens,
        requests_per_day=requests_per_day,
        cache_hit=cache_hit,
        batch=batch,
        exact=exact,
        alternatives=alternatives,
    )
    report = estimate(request)
    if output_format == "json":
        print_json(report)
        return
    show(*estimate_tables(report, width()))
