"""Options several commands share."""

from __future__ import annotations

import click

format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for scripts (stable, documented schema)",
)

text_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts (the full result with attempts)",
)

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="configuration file (default: ./llmwright.toml or [tool.llmwright] in pyproject.toml)",
)
