"""When nothing fits: which constraints bind, how many candidates each removed, and what would admit the best few.

Only constraints the user stated (or a stated default) can appear, so the advice never says
"relax the cost budget" when no budget was given. For a numeric limit the advice names the
value that admits the best few candidates that fail on that limit alone, best as ranked.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, Field

from ..catalog import TIERS, ModelInfo, Ratings, is_preview
from ..providers import provider_rows
from .constraints import CONSTRAINTS, Candidate, Violation, required_tier
from .rank import rank
from .requirements import Requirements

BEST_FEW = 3
NUMERIC = {"latency", "cost_per_request", "cost_per_day", "cost_per_1m", "context"}


class Binding(BaseModel):
    constraint: str = Field(description="the requirement field (or default) that removed candidates")
    removed: int = Field(description="candidates this constraint rejected")
    alone: int = Field(description="of those, rejected by this constraint alone: relaxing it admits them")
    admits: list[str] = Field(default_factory=list, description="the best few relaxing it would admit")
    advice: str


Rejection = tuple[ModelInfo, Candidate | None, list[Violation]]


def _best(entries: list[Rejection], req: Requirements, ratings: Ratings) -> list[Rejection]:
    """The best few, ranked as if admitted (unpriced ones last, by name)."""
    priced = [c for _, c, _ in entries if c is not None]
    order = {c.model.ref: i for i, (c, _) in enumerate(rank(priced, req, ratings))}
    return sorted(entries, key=lambda e: (order.get(e[0].ref, len(order)), e[0].ref))[:BEST_FEW]


def _widest(entries: list[Rejection]) -> list[Rejection]:
    """For the context size: the models that need the least cut, largest window first."""
    return sorted(entries, key=lambda e: (-(e[0].context_window or 0), e[0].ref))[:BEST_FEW]


def _value(key: str, best: list[Rejection]) -> float | None:
    needed = [v.needed for _, _, found in best for v in found if v.constraint == key and v.needed is not None]
    if not needed:
        return None
    if key == "context":
        return min(needed)
    return max(needed)


def _number(key: str, value: float) -> str:
    if key == "latency":
        return f"{math.ceil(value * 10) / 10:g}"
    if key == "context":
        return f"{int(value):,}"
    return f"{float(f'{value:.3g}'):g}"


def _limit_advice(key: str, value: float) -> str:
    if key == "context":
        return f"a context of at most {_number(key, value)} tokens"
    return f"{CONSTRAINTS[key].flag} {_number(key, value)}"


def _stated(key: str, req: Requirements) -> str:
    """The constraint as the user stated it, for the advice line."""
    flag = CONSTRAINTS[key].flag
    values = {
        "latency": lambda: f"{flag} {req.latency_p95_s:g}",
        "cost_per_request": lambda: f"{flag} {req.max_cost_per_request:g}",
        "cost_per_day": lambda: f"{flag} {req.max_cost_per_day:g}",
        "cost_per_1m": lambda: f"{flag} {req.max_cost_per_1m_tokens:g}",
        "context": lambda: f"{req.needed_window:,} tokens in and out",
        "tier": lambda: required_tier(req) + ("" if req.min_tier else f", from {req.complexity} complexity"),
        "capabilities": lambda: f"{flag} {','.join(req.needs)}",
        "residency": lambda: f"{flag} {req.data_residency}",
        "providers": lambda: f"{flag} {','.join(req.providers)}",
        "excluded": lambda: f"{flag} {','.join(req.exclude_providers)}",
    }
    return values[key]() if key in values else ""


def _relax(key: str, req: Requirements, best: list[Rejection]) -> str:
    """What to change so the best few fit."""
    value = _value(key, best)
    if value is not None:
        return _limit_advice(key, value)
    if key == "tier":
        lowest = min((TIERS.index(v.reason.split()[2]) for _, _, f in best for v in f if v.constraint == "tier"))
        return f"--min-tier {TIERS[lowest]}"
    return {
        "hosting": "--local-only or --providers ollama (or a [providers.ollama] table)",
        "local_only": "dropping --local-only",
        "providers": "allowing more --providers",
        "excluded": "dropping --exclude-providers",
        "capabilities": f"dropping --needs {','.join(req.needs)}",
        "residency": "dropping --data-residency",
    }.get(key, "")


def _steps(key: str, best: list[Rejection]) -> str:
    """`--latency-p95 3 would admit a, 4 also b`: the limit each of the best few needs, loosest last."""
    needs = []
    for model, _, found in best:
        value = next(v.needed for v in found if v.constraint == key and v.needed is not None)
        needs.append((value, model.ref))
    needs.sort(reverse=key == "context")
    parts = []
    for i, (value, ref) in enumerate(needs):
        limit = _limit_advice(key, value)
        parts.append(f"{limit} would admit {ref}" if i == 0 else f"{_number(key, value)} also {ref}")
    return ", ".join(parts)


def _latency_extra(key: str, req: Requirements, best: list[Rejection]) -> str:
    """For a latency budget: the shorter answer that would fit on the best model with latency data."""
    if key != "latency" or req.latency_p95_s is None:
        return ""
    for model, candidate, _ in best:
        if candidate is not None and candidate.rating.latency is not None and not candidate.latency_measured:
            tokens = candidate.rating.latency.tokens_within(req.latency_p95_s) - candidate.thinking_tokens
            if tokens > 0:
                return f"; or answers of at most {tokens:,} output tokens on {model.ref}"
    return ""


def _residency_note(key: str, req: Requirements) -> str:
    if key != "residency" or req.data_residency is None:
        return ""
    declaring = [name for name, row in provider_rows().items() if req.data_residency in row.residency]
    return f" (hosted providers declaring {req.data_residency}: {', '.join(declaring) or 'none'})"


def binding_constraints(
    rejected: list[Rejection], ranked: list[tuple[Candidate, float]], req: Requirements, ratings: Ratings
) -> list[Binding]:
    """One entry per constraint that removed candidates, the most decisive first."""
    removed: dict[str, int] = {}
    alone: dict[str, list[Rejection]] = {}
    for entry in rejected:
        keys = {v.constraint for v in entry[2]}
        for key in keys:
            removed[key] = removed.get(key, 0) + 1
        if len(keys) == 1:
            alone.setdefault(next(iter(keys)), []).append(entry)
    found = [_passed_over(ranked, req)] if ranked else []
    for key in sorted(removed, key=lambda k: (-len(alone.get(k, [])), -removed[k], k)):
        pool = alone.get(key, [])
        if key in NUMERIC:  # raising a limit admits only models whose figure is known
            pool = [e for e in pool if any(v.needed is not None for v in e[2])]
        best = _widest(pool) if key == "context" else _best(pool, req, ratings)
        stated = _stated(key, req)
        name = CONSTRAINTS[key].name + (f" ({stated})" if stated else "")
        count = f"{removed[key]} candidate" + ("s" if removed[key] != 1 else "")
        head = f"{name} removed {count}{_residency_note(key, req)}"
        if key == "latency":
            no_data = sum(1 for _, _, f in rejected for v in f if v.constraint == "latency" and v.needed is None)
            head += f", {no_data} of them for want of latency data"
        relax = _relax(key, req, best) if best else ""
        if best and key in NUMERIC:
            advice = f"{head}; {_steps(key, best)}" + _latency_extra(key, req, best)
        elif best and relax:
            advice = f"{head}; {relax} would admit {', '.join(m.ref for m, _, _ in best)}"
            advice += _latency_extra(key, req, best)
        elif best:
            advice = f"{head}; it cannot be relaxed"
        else:
            advice = f"{head}; relaxing it alone admits none (they fail other constraints too)"
        found.append(
            Binding(
                constraint=CONSTRAINTS[key].field or key,
                removed=removed[key],
                alone=len(alone.get(key, [])),
                admits=[m.ref for m, _, _ in best],
                advice=advice,
            )
        )
    return [b for b in found if b is not None]


def _passed_over(ranked: list[tuple[Candidate, float]], req: Requirements) -> Binding:
    """Everything fits but is a preview or a thinker on a latency-bound task: say how to let one lead."""
    previews = [c.model.ref for c, _ in ranked if is_preview(c.model) and not req.allow_preview]
    thinkers = [c.model.ref for c, _ in ranked if c.model.ref not in previews]
    if previews and not thinkers:
        return Binding(
            constraint="allow_preview",
            removed=len(previews),
            alone=len(previews),
            admits=previews[:BEST_FEW],
            advice=f"only preview models fit; --allow-preview would let {', '.join(previews[:BEST_FEW])} lead",
        )
    return Binding(
        constraint="needs",
        removed=len(ranked),
        alone=len(thinkers),
        admits=thinkers[:BEST_FEW],
        advice=f"only models that think before answering fit this latency budget; --needs reasoning would let "
        f"{', '.join(thinkers[:BEST_FEW])} lead",
    )
