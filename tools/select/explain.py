"""Plain-language reasons, trade-offs and a ready-to-paste gateway route."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .requirements import Requirements

if TYPE_CHECKING:
    from .recommend import Choice, MeasuredLatency


def _money(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"${value:,.2f}" if value >= 1 else f"${value:.6f}"


def justify(req: Requirements, primary: Choice, fallbacks: list[Choice], eligible: int, rejected: int) -> list[str]:
    lines = [
        f"Sized at {req.input_tokens:,} input and {req.output_tokens:,} output tokens a request"
        + (f", {req.requests_per_day:,.0f} requests a day." if req.requests_per_day else "."),
        f"{eligible} models meet every hard constraint ({rejected} rejected; see 'rejected' for why).",
        f"Task read as {req.kind}, {req.complexity} complexity: a {primary.tier}-tier model is enough"
        if primary.tier != "frontier"
        else f"Task read as {req.kind}, {req.complexity} complexity: it needs a frontier model.",
        f"{primary.model} ranks first on quality for {req.kind}, cost at your volume, latency and window headroom: "
        f"{_money(primary.cost_per_request_usd)} a request"
        + (f", {_money(primary.cost_per_month_usd)} a month" if primary.cost_per_month_usd is not None else "")
        + (
            f", p95 {primary.p95_s_measured}s (measured on your usage ledger)."
            if primary.p95_s_measured is not None
            else f", p95 about {primary.p95_s_estimate}s (estimated from its speed class)."
        ),
    ]
    if fallbacks:
        first = fallbacks[0]
        where = "another provider" if first.provider != primary.provider else "the same provider"
        lines.append(f"First fallback {first.model} is on {where} so one outage does not take both down.")
    if any(f.hosting == "local" for f in fallbacks):
        lines.append("A local model closes the chain as the last resort; expect lower quality there.")
    if req.data_residency:
        lines.append(f"Data residency ({req.data_residency}): confirm the chosen providers' regions before shipping.")
    return lines


def measured_lines(measured: list[MeasuredLatency]) -> list[str]:
    """One line per model whose ledger figures replaced the table's estimate."""
    lines = []
    for m in measured:
        latency = f"p95 {m.p95_s}s (table estimate {m.p95_s_estimate}s)" if m.p95_s is not None else "no answered calls"
        lines.append(
            f"Measured on your usage ledger, {m.model}: {latency}, {m.error_rate:.1%} errors over {m.calls} calls "
            f"({m.since[:10]} to {m.until[:10]}); ranking uses these instead of the table."
        )
    return lines


def tradeoffs(primary: Choice, fallbacks: list[Choice], budget: Choice | None) -> list[str]:
    notes = []
    if budget is not None and budget.cost_per_request_usd < primary.cost_per_request_usd:
        saving = 1 - budget.cost_per_request_usd / primary.cost_per_request_usd if primary.cost_per_request_usd else 0
        notes.append(
            f"Budget option {budget.model} costs {saving:.0%} less per request at quality {budget.quality} "
            f"vs {primary.quality}; validate it on your own examples (llmwright select --eval)."
        )
    for choice in fallbacks:
        if choice.cost_per_request_usd > primary.cost_per_request_usd * 1.5:
            notes.append(f"Falling back to {choice.model} costs more per request; budget for outage days.")
    return notes


def route_snippet(req: Requirements, primary: Choice, fallbacks: list[Choice]) -> str:
    name = (req.kind or "default").replace(" ", "_")
    chain = ", ".join(f'"{c.model}"' for c in [primary, *fallbacks])
    return f"[routes.{name}]\nchain = [{chain}]\n"
