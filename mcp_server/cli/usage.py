"""`llmwright usage`: the usage ledger summarised."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from llmwright.config import load_config
from llmwright.errors import InvalidInput
from llmwright.usage import summarise

from .options import config_option, format_option
from .render import console, print_json, usd


@click.command("usage")
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False),
    default=None,
    help="ledger file (default: the configured [gateway] ledger_path, else the user data dir)",
)
@click.option(
    "--since", default=None, help="only calls from this ISO date or time on, or this long back: 2026-11-01, 24h, 7d"
)
@config_option
@format_option
def usage_command(ledger: str | None, since: str | None, config_path: str | None, output_format: str) -> None:
    """Calls, error rate, latency percentiles, cost per model and per day, cache hit rate."""
    if ledger is not None and not Path(ledger).exists():
        raise InvalidInput(f"--ledger {ledger}: no such file; the gateway's ledger is usage.jsonl in the data dir")
    summary = summarise(ledger or load_config(config_path).gateway.ledger_file(), since)
    if output_format == "json":
        print_json(summary)
        return
    out = console()
    p = summary
    estimated = f" (of which {usd(p.estimated_cost_usd)} estimated)" if p.estimated_cost_usd else ""
    out.print(
        f"{p.calls} calls, {p.errors} errors ({p.error_rate:.1%}), {p.attempts} attempts, "
        f"cache hits {p.cache_hits} ({p.cache_hit_rate:.1%}), cost {usd(p.cost_usd)}{estimated}"
    )
    out.print(f"latency p50 {p.latency_ms_p50} ms · p95 {p.latency_ms_p95} ms · p99 {p.latency_ms_p99} ms")
    table = Table(title="Per model", title_justify="left")
    for column in ("model", "calls", "errors", "input", "output", "cost"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for m in p.per_model:
        table.add_row(
            m.model, str(m.calls), str(m.errors), f"{m.input_tokens:,}", f"{m.output_tokens:,}", usd(m.cost_usd)
        )
    out.print(table)
    if p.per_day:
        days = Table(title="Per day (UTC)", title_justify="left")
        days.add_column("day")
        days.add_column("cost", justify="right")
        for day, cost in p.per_day.items():
            days.add_row(day, usd(cost))
        out.print(days)
