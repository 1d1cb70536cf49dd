"""`llmwright models`: the catalog, filtered; `--update` refreshes its data and says what changed."""

from __future__ import annotations

import click

from .options import format_option
from .render import models_table, print_json, show, update_report, width


@click.command("models")
@click.option("--provider", help="only this provider (openai, anthropic, google, groq, ollama, ...)")
@click.option("--capability", "capabilities", multiple=True, help="required capability; repeat or comma-separate")
@click.option("--hosting", type=click.Choice(["hosted", "local"]), help="only hosted or only local models")
@click.option("--kind", type=click.Choice(["chat", "embedding"]), help="only chat or only embedding models")
@click.option("--include-retired", is_flag=True, help="also list retired models")
@click.option("--search", help="only models whose reference contains this text")
@click.option(
    "--update",
    is_flag=True,
    help="refresh prices (genai-prices), windows and retirement dates (LiteLLM) from the network; shows what changed",
)
@format_option
def models_command(
    provider: str | None,
    capabilities: tuple[str, ...],
    hosting: str | None,
    kind: str | None,
    include_retired: bool,
    search: str | None,
    update: bool,
    output_format: str,
) -> None:
    """List known models with prices per million tokens, windows, capabilities and status."""
    from llmwright.catalog import list_models, parse_capability
    from llmwright.errors import InvalidInput

    if update:
        filters = [provider, capabilities, hosting, kind, include_retired, search]
        if any(filters):
            raise InvalidInput("--update refreshes the whole catalog: run it without filters, then list")
        from llmwright.catalog import update_catalog

        report = update_catalog()
        if output_format == "json":
            print_json(report)
        else:
            show(*update_report(report, width()))
        return
    wanted = [parse_capability(c) for raw in capabilities for c in raw.split(",") if c.strip()]
    result = list_models(
        provider=provider,
        capabilities=wanted,
        hosting=hosting,
        kind=kind,
        include_retired=include_retired,
        search=search,
    )
    if output_format == "json":
        print_json(result)
        return
    show(models_table(result.models, f"{result.count} models · {result.data_version}", width()))
