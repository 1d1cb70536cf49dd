"""`llmwright prompts list|show|render`: what templates exist, what one says, what it renders to."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from llmwright.prompts import describe, load_library, load_prompt_settings, render

from .options import config_option, format_option
from .render import console
from .run import parse_vars, prompts_dir_option


def _library(prompts_dirs: tuple[str, ...], config_path: str | None):  # type: ignore[no-untyped-def]
    return load_library(prompts_dirs, load_prompt_settings(config_path).dirs)


@click.group("prompts")
def prompts_command() -> None:
    """List, show and render the prompt templates (served as MCP prompts, run with `llmwright run`)."""


@prompts_command.command("list")
@prompts_dir_option
@config_option
@format_option
def list_command(prompts_dirs: tuple[str, ...], config_path: str | None, output_format: str) -> None:
    """Every template (and pipeline) with its arguments; exits 1 if a template file is malformed."""
    listing = describe(_library(prompts_dirs, config_path))
    if output_format == "json":
        print(listing.model_dump_json(indent=2))
    else:
        table = Table(title=f"{listing.count} prompt templates", title_justify="left")
        for column in ("name", "kind", "output", "cache", "arguments (* required)", "description"):
            table.add_column(column, no_wrap=column in ("name", "arguments (* required)"))
        for t in listing.templates:
            arguments = ", ".join(f"{a.name}{'*' if a.required else ''}" for a in t.arguments)
            cache = "default" if t.cache_ttl_s is None else ("off" if t.cache_ttl_s == 0 else f"{t.cache_ttl_s:g} s")
            output = "json" if t.output_schema else "text"
            description = t.description if len(t.description) <= 90 else t.description[:89] + "…"
            table.add_row(t.name, t.kind, output, cache, arguments, description)
        console().print(table)
        if listing.pipelines:
            click.echo("pipelines: " + ", ".join(listing.pipelines))
    for problem in listing.problems.values():
        click.echo(f"error: {problem}", err=True)
    if listing.problems:
        sys.exit(1)


@prompts_command.command("show")
@click.argument("name")
@prompts_dir_option
@config_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show_command(name: str, prompts_dirs: tuple[str, ...], config_path: str | None, output_format: str) -> None:
    """Print template NAME: its markdown source, or (json) its parsed frontmatter and body."""
    template = _library(prompts_dirs, config_path).get(name)
    if output_format == "json":
        print(json.dumps({**template.model_dump(mode="json"), "body": template.body}, indent=2, ensure_ascii=False))
        return
    click.echo(Path(template.path or "").read_text(encoding="utf-8"), nl=False)


@prompts_command.command("render")
@click.argument("name")
@click.option("--var", "-v", "pairs", multiple=True, help="a template variable, NAME=VALUE (repeatable)")
@click.option("--var-file", "files", multiple=True, help="a variable read from a file, NAME=PATH (- for stdin)")
@prompts_dir_option
@config_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def render_command(
    name: str,
    pairs: tuple[str, ...],
    files: tuple[str, ...],
    prompts_dirs: tuple[str, ...],
    config_path: str | None,
    output_format: str,
) -> None:
    """Render template NAME with its variables and print the messages, without calling a model."""
    template = _library(prompts_dirs, config_path).get(name)
    rendered = render(template, parse_vars(pairs, files))
    if output_format == "json":
        print(rendered.model_dump_json(indent=2))
        return
    if rendered.system is not None:
        click.echo(f"[system]\n{rendered.system}\n\n[user]")
    click.echo(rendered.user)
