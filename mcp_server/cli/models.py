"""`llmwright models`: the catalog, filtered."""

from __future__ import annotations

import click

from llmwright.catalog import ModelList, get_catalog, list_models, parse_capability, refresh_litellm

from .options import format_option
from .render import console, models_table, print_json


@click.command("models")
@click.option("--provider", help="only this provider (openai, anthropic, google, groq, ollama, ...)")
@click.option("--capability", "capabilities", multiple=True, help="required capability; repeat or comma-separate")
@click.option("--hosting", type=click.Choice(["hosted", "local"]), help="only hosted or only local models")
@click.option("--include-retired", is_flag=True, help="also list retired models")
@click.option("--search", help="only models whose reference contains this text")
@click.option(
    "--update", is_flag=True, help="refresh windows and capabilities from LiteLLM's published table (needs network)"
)
@format_option
def models_command(
    provider: str | None,
    capabilities: tuple[str, ...],
    hosting: str | None,
    include_retired: bool,
    search: str | None,
    update: bool,
    output_format: str,
) -> None:
    """List known models with prices per million tokens, windows, capabilities and status."""
    if update:
        click.echo(refresh_litellm(), err=True)
        get_catalog.cache_clear()
    wanted = [parse_capability(c) for raw in capabilities for c in raw.split(",") if c.strip()]
    result: ModelList = list_models(
        provider=provider, capabilities=wanted, hosting=hosting, include_retired=include_retired, search=search
    )
    if output_format == "json":
        print_json(result)
        return
    out = console()
    out.print(models_table(result.models, f"{result.count} models ({result.data_version})"))
