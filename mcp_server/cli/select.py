"""`llmwright select`: requirements in, a justified primary + fallback chain out."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from tools.catalog import parse_capability
from tools.select import TASK_KINDS, Recommendation, Requirements, recommend

from .render import console, print_json, usd


@click.command("select")
@click.option("--task", required=True, help="what the model will do, in plain words")
@click.option("--kind", type=click.Choice(TASK_KINDS), help="task kind (inferred from --task when omitted)")
@click.option("--complexity", type=click.Choice(["low", "medium", "high"]), help="inferred when omitted")
@click.option("--requests-per-day", type=float)
@click.option("--input-tokens", type=int, help="typical input tokens per request (default: typical for the task kind)")
@click.option("--output-tokens", type=int, help="typical output tokens per request (default: typical for the kind)")
@click.option("--max-cost-per-request", type=float)
@click.option("--max-cost-per-day", type=float)
@click.option("--max-cost-per-1m", "max_cost_per_1m_tokens", type=float, help="blended USD per million tokens")
@click.option("--latency-p95", "latency_p95_s", type=float, help="p95 seconds for a whole response")
@click.option("--context", "context_tokens", type=int, help="context tokens the task needs")
@click.option("--needs", default="", help="capabilities, comma-separated: tools,vision,json,structured_output,...")
@click.option("--local-only", is_flag=True)
@click.option("--providers", default="", help="allowed providers, comma-separated")
@click.option("--exclude-providers", default="", help="providers never to use, comma-separated")
@click.option("--min-tier", type=click.Choice(["small", "mid", "strong", "frontier"]))
@click.option("--data-residency", help="a residency requirement carried into the justification")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "markdown"]), default="table")
def select_command(output_format: str, needs: str, providers: str, exclude_providers: str, **options) -> None:
    """Recommend a primary model and a fallback chain that honour every hard constraint."""
    split = [p.strip() for p in providers.split(",") if p.strip()]
    excluded = [p.strip() for p in exclude_providers.split(",") if p.strip()]
    capabilities = [parse_capability(c) for c in needs.split(",") if c.strip()]
    requirements = Requirements(needs=capabilities, providers=split, exclude_providers=excluded, **options)
    result = recommend(requirements)
    if output_format == "json":
        print_json(result)
    elif output_format == "markdown":
        click.echo(to_markdown(result))
    else:
        _print_table(result)


def _print_table(result: Recommendation) -> None:
    out = console()
    out.print(
        f"[bold]Task[/bold]: {result.task}  ({result.kind}, {result.complexity} complexity; "
        f"needs a {result.required_tier}-tier model or better)"
    )
    if result.primary is None:
        out.print("[bold red]No model fits every constraint.[/bold red]")
        for line in result.relax:
            out.print(f"  - {line}")
        return
    table = Table(title="Decision matrix", title_justify="left")
    for column in ("", "model", "tier", "quality", "$/request", "$/month", "p95 s (est.)", "context", "capabilities"):
        table.add_column(column)
    roles = {result.primary.model: "primary"} | {f.model: f"fallback {i + 1}" for i, f in enumerate(result.fallbacks)}
    if result.budget_option:
        roles.setdefault(result.budget_option.model, "budget")
    rows = list(result.matrix) + [f for f in result.fallbacks if f.model not in {m.model for m in result.matrix}]
    for row in rows:
        table.add_row(
            roles.get(row.model, ""),
            row.model,
            row.tier,
            f"{row.quality:.2f}",
            usd(row.cost_per_request_usd),
            usd(row.cost_per_month_usd),
            f"{row.p95_s_estimate}",
            f"{row.context_window or 0:,}",
            ",".join(row.capabilities),
        )
    out.print(table)
    for line in [*result.justification, *result.tradeoffs]:
        out.print(f"  - {escape(line)}")
    out.print("\n[bold]llmwright.toml[/bold]\n" + escape(result.route_snippet))


def to_markdown(result: Recommendation) -> str:
    lines = [
        f"## Model recommendation: {result.task}",
        "",
        f"Kind **{result.kind}**, complexity **{result.complexity}**, required tier **{result.required_tier}**.",
        "",
    ]
    if result.primary is None:
        return "\n".join([*lines, "No model fits every constraint.", *[f"- {line}" for line in result.relax]])
    lines += [
        "| role | model | tier | quality | $/request | $/month | p95 s | context |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for role, row in [("primary", result.primary), *[(f"fallback {i + 1}", f) for i, f in enumerate(result.fallbacks)]]:
        lines.append(
            f"| {role} | {row.model} | {row.tier} | {row.quality:.2f} | {usd(row.cost_per_request_usd)} | "
            f"{usd(row.cost_per_month_usd)} | {row.p95_s_estimate} | {row.context_window or 0:,} |"
        )
    lines += [
        "",
        *[f"- {line}" for line in [*result.justification, *result.tradeoffs]],
        "",
        "```toml",
        result.route_snippet.rstrip(),
        "```",
    ]
    return "\n".join(lines)
