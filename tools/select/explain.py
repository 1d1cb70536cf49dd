"""Plain-language reasons, trade-offs and a ready-to-paste gateway route."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..providers import provider_rows
from .constraints import required_tier
from .requirements import Requirements

if TYPE_CHECKING:
    from .recommend import Choice, MeasuredLatency


def _money(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"${value:,.2f}" if value >= 1 else f"${value:.6f}"


def _sizing(req: Requirements, asked: Requirements) -> str:
    if asked.input_tokens is not None:
        source = "as given"
    elif asked.context_tokens is not None:
        source = "the stated context, sent with every request"
    else:
        source = f"typical for {req.kind}; give --input-tokens or --context"
    line = f"Sized at {req.input_tokens:,} input tokens ({source}) and {req.output_tokens:,} output tokens a request"
    if asked.output_tokens is None:
        line += " (typical; give --output-tokens)"
    return line + (f", {req.requests_per_day:,.0f} requests a day." if req.requests_per_day else ".")


def _reading(req: Requirements, asked: Requirements, primary: Choice) -> str:
    guessed = [word for word, given in (("kind", asked.kind), ("complexity", asked.complexity)) if given is None]
    how = f" (inferred {' and '.join(guessed)}: give --kind/--complexity to override)" if guessed else ""
    needed = required_tier(req)
    line = f"Task read as {req.kind}, {req.complexity} complexity{how}: it needs a {needed}-tier model or better"
    if primary.tier != needed:
        line += f"; {primary.model} is {primary.tier} tier and still the best value"
    return line + "."


def _p95(choice: Choice) -> str:
    if choice.p95_s is None:
        return f"p95 unknown ({choice.latency_evidence})"
    how = "measured on your usage ledger" if choice.p95_s_measured is not None else "estimated"
    return f"p95 {'' if choice.p95_s_measured is not None else 'about '}{choice.p95_s}s ({how})"


def justify(
    req: Requirements, asked: Requirements, primary: Choice, fallbacks: list[Choice], eligible: int, rejected: int
) -> list[str]:
    thinking = ""
    if primary.thinks:
        thinking = (
            f" It thinks before answering: {primary.thinking_tokens:,} thinking tokens a request are in its cost."
            if primary.thinking_tokens
            else " It thinks before answering; its thinking tokens are unmeasured, so its cost is a floor."
        )
    lines = [
        _sizing(req, asked),
        f"{eligible} models meet every hard constraint ({rejected} rejected; see 'rejected' for why).",
        _reading(req, asked, primary),
        f"{primary.model} ranks first on quality for {req.kind} ({primary.quality_evidence}), cost at your volume, "
        f"latency and window headroom: {_money(primary.cost_per_request_usd)} a request"
        + (f", {_money(primary.cost_per_month_usd)} a month" if primary.cost_per_month_usd is not None else "")
        + f", {_p95(primary)}."
        + thinking,
    ]
    if fallbacks:
        first = fallbacks[0]
        if first.provider != primary.provider:
            lines.append(
                f"First fallback {first.model} is on another provider ({first.provider}), so one outage "
                "does not take both down."
            )
        else:
            lines.append(
                f"First fallback {first.model} is on the same provider ({first.provider}): no other provider's model "
                "fits, so an outage there takes down both."
            )
    if any(f.hosting == "local" for f in fallbacks):
        lines.append("A local model closes the chain as the last resort; expect lower quality there.")
    if any(f.preview for f in fallbacks):
        lines.append("A preview model is in the chain as a fallback only; it may change or vanish without notice.")
    if req.data_residency:
        lines.append(
            f"Data residency {req.data_residency}: every model in the chain runs on a provider whose table row "
            "declares it (with a source), or on your own hardware."
        )
    else:
        where = _residencies([primary, *fallbacks])
        lines.append(f"Where requests are processed: {where}; --data-residency to require a region.")
    return lines


def _residencies(chain: list[Choice]) -> str:
    rows = provider_rows()
    seen: dict[str, str] = {}
    for choice in chain:
        if choice.hosting == "local":
            seen.setdefault(choice.provider, "your hardware")
        else:
            row = rows.get(choice.provider)
            seen.setdefault(choice.provider, ", ".join(row.residency) if row and row.residency else "not published")
    return "; ".join(f"{provider}: {where}" for provider, where in seen.items())


def measured_lines(measured: list[MeasuredLatency]) -> list[str]:
    """One line per model whose ledger figures replaced the table's estimate."""
    lines = []
    for m in measured:
        estimate = f"table estimate {m.p95_s_estimate}s" if m.p95_s_estimate is not None else "no table data"
        latency = f"p95 {m.p95_s}s ({estimate})" if m.p95_s is not None else "no answered calls"
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
            f"Budget option {budget.model} ({budget.tier} tier, meets the required tier) costs {saving:.0%} less per "
            f"request at quality {budget.quality} vs {primary.quality}; validate it on your own examples "
            "(llmwright select --eval)."
        )
    for choice in fallbacks:
        if choice.cost_per_request_usd > primary.cost_per_request_usd * 1.5:
            notes.append(f"Falling back to {choice.model} costs more per request; budget for outage days.")
    return notes


def route_snippet(req: Requirements, primary: Choice, fallbacks: list[Choice]) -> str:
    name = (req.kind or "default").replace(" ", "_")
    chain = ", ".join(f'"{c.model}"' for c in [primary, *fallbacks])
    return f"[routes.{name}]\nchain = [{chain}]\n"
