"""Tables for people; `--format json` goes straight from the engine's pydantic models."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from llmwright.catalog import ModelInfo
from llmwright.cost import format_usd as usd
from llmwright.estimate import EstimateReport


def console() -> Console:
    """Wide enough for the tables when piped (rich would otherwise assume 80 columns)."""
    import sys

    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, soft_wrap=False, width=width)


def print_json(model: BaseModel) -> None:
    print(model.model_dump_json(indent=2))


def _per_million(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _tokens(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def models_table(models: Iterable[ModelInfo], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("model", no_wrap=True)
    for column in ("in $/M", "out $/M", "cache rd", "batch in", "context", "max out", "capabilities", "status"):
        table.add_column(
            column,
            justify="right" if "$" in column or column in ("context", "max out", "cache rd", "batch in") else "left",
        )
    for m in models:
        prices = m.prices
        status = m.status if m.status == "active" else f"{m.status} {m.retires_on or ''}".strip()
        table.add_row(
            m.ref,
            _per_million(prices.input if prices else None),
            _per_million(prices.output if prices else None),
            _per_million(prices.cache_read if prices else None),
            _per_million(prices.batch_input if prices else None),
            _tokens(m.context_window),
            _tokens(m.max_output_tokens),
            ",".join(m.capabilities) or "-",
            status,
        )
    return table


def estimate_tables(report: EstimateReport) -> list[Table | str]:
    out: list[Table | str] = []
    table = Table(title="Tokens, cost and context fit", title_justify="left")
    table.add_column("model", no_wrap=True)
    for column in ("input tokens", "method", "per call", "per day", "per month", "window", "fits"):
        table.add_column(column, justify="left" if column in ("model", "method", "fits") else "right")
    for r in report.results:
        t, c, f = r.tokens, r.cost, r.fit
        method = t.method if t.method != "estimate" else f"estimate ±{round(t.error_band * 100)}%"
        if f.fits is None:
            fits = "unknown"
        elif f.fits:
            fits = f"yes ({f.used_pct}% used)"
        else:
            fits = f"NO (over by {-(f.headroom or 0):,})"
        table.add_row(
            r.model.ref,
            f"{t.tokens:,}",
            method,
            usd(c.per_call_usd),
            usd(c.per_day_usd),
            usd(c.per_month_usd),
            _tokens(f.context_window),
            fits,
        )
    out.append(table)
    for r in report.results:
        lines = [*r.warnings, *r.cost.notes, *r.fit.advice]
        if r.alternatives:
            cheaper = ", ".join(
                f"{a.model} ({a.tier}) {usd(a.per_call_usd)} (-{a.saving_pct:g}%)" for a in r.alternatives
            )
            lines.append(f"cheaper, same tier or better, same capabilities: {cheaper}")
        elif r.alternatives_note:
            lines.append(f"cheaper alternatives: {r.alternatives_note}")
        for a in r.step_down:
            lines.append(f"step down: {a.model} {usd(a.per_call_usd)} (-{a.saving_pct:g}%): {a.gives_up}")
        if r.tokens.method == "estimate":
            lines.append(f"tokens: {r.tokens.note}")
        if lines:
            out.append(f"[bold]{r.model.ref}[/bold]\n" + "\n".join(f"  - {line}" for line in lines))
    return out
