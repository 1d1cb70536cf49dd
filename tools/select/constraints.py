"""Hard constraints: a model that violates one is never recommended, and the list says which and by how much."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..catalog import TIERS, ModelInfo, Rating, Tier, today
from ..cost import Workload, estimate_cost
from ..errors import LLMWrightError
from ..providers import meets_residency, provider_rows
from .measured import Measured
from .requirements import Requirements

# A model that retires within this many days is not worth building on.
RETIREMENT_HORIZON_DAYS = 180
# The latency table was measured with prompts of a few tokens: it says nothing about the time a
# provider takes to read a long prompt, so its estimates stop at this many input tokens.
LATENCY_DATA_MAX_INPUT = 4_000


@dataclass(frozen=True)
class Constraint:
    """How a constraint is named to the user: its requirement field and CLI flag."""

    name: str
    field: str
    flag: str


CONSTRAINTS: dict[str, Constraint] = {
    "lifecycle": Constraint("the retirement horizon", "", ""),
    "hosting": Constraint("hosted by default", "local_only", "--local-only"),
    "local_only": Constraint("local-only", "local_only", "--local-only"),
    "providers": Constraint("the provider list", "providers", "--providers"),
    "excluded": Constraint("the excluded providers", "exclude_providers", "--exclude-providers"),
    "capabilities": Constraint("the required capabilities", "needs", "--needs"),
    "context": Constraint("the context size", "context_tokens", "--context"),
    "tier": Constraint("the quality tier", "min_tier", "--min-tier"),
    "price": Constraint("a known price", "", ""),
    "cost_per_request": Constraint("the cost budget per request", "max_cost_per_request", "--max-cost-per-request"),
    "cost_per_day": Constraint("the cost budget per day", "max_cost_per_day", "--max-cost-per-day"),
    "cost_per_1m": Constraint("the cost budget per 1M tokens", "max_cost_per_1m_tokens", "--max-cost-per-1m"),
    "latency": Constraint("the latency budget", "latency_p95_s", "--latency-p95"),
    "residency": Constraint("the data residency", "data_residency", "--data-residency"),
}


@dataclass(frozen=True)
class Violation:
    constraint: str  # a key of CONSTRAINTS
    reason: str  # in words a user can act on
    needed: float | None = None  # for a numeric limit: the value that would admit this model


@dataclass(frozen=True)
class Candidate:
    model: ModelInfo
    rating: Rating
    cost_per_request: float
    cost_per_day: float | None
    thinking_tokens: int  # hidden reasoning tokens a request adds (0 when it does not think or no data)
    p95_s: float | None  # measured on the ledger, else estimated from latency data; None = no data
    measured: Measured | None = None

    @property
    def latency_measured(self) -> bool:
        return self.measured is not None and self.measured.p95_s is not None

    @property
    def error_rate(self) -> float:
        return self.measured.error_rate if self.measured else 0.0


def required_tier(req: Requirements) -> Tier:
    """Minimal capable: small for simple work, frontier only where complexity demands it."""
    if req.min_tier:
        return req.min_tier
    if req.complexity == "high":
        return "frontier" if req.kind in ("code", "reasoning") else "strong"
    if req.complexity == "medium":
        return "mid"
    return "small"


def thinking_tokens(rating: Rating) -> int | None:
    """Hidden tokens a request adds: 0 for a model that does not think by default, None when unmeasured."""
    if not rating.thinks:
        return 0
    return rating.thinking_tokens


def estimate_p95_s(rating: Rating, output_tokens: int, input_tokens: int = 0) -> float | None:
    """p95 seconds from the latency table, thinking included; None where the data does not say."""
    thinking = thinking_tokens(rating)
    if rating.latency is None or thinking is None or input_tokens > LATENCY_DATA_MAX_INPUT:
        return None
    return rating.latency.p95_s(output_tokens + thinking)


def latency_gap(rating: Rating, input_tokens: int) -> str:
    """Why a model has no latency estimate, in words."""
    if rating.latency is None:
        return "no latency data"
    if input_tokens > LATENCY_DATA_MAX_INPUT:
        return f"no latency data for {input_tokens:,}-token prompts (measured up to {LATENCY_DATA_MAX_INPUT:,})"
    return "no latency data: thinks before answering and its thinking tokens are unmeasured"


def _sizes(req: Requirements) -> tuple[int, int]:
    """Input and output tokens per request (`recommend` fills both in before any check)."""
    return req.input_tokens or 1, req.output_tokens or 0


def _lifecycle(model: ModelInfo) -> list[Violation]:
    if model.status != "deprecated" or model.retires_on is None:
        return []
    if (model.retires_on - today()).days >= RETIREMENT_HORIZON_DAYS:
        return []
    instead = f"; use {model.replacement}" if model.replacement else ""
    return [Violation("lifecycle", f"deprecated, retires {model.retires_on}{instead}")]


def _placement(model: ModelInfo, req: Requirements, allow_local: bool) -> list[Violation]:
    found: list[Violation] = []
    if req.local_only and model.hosting != "local":
        found.append(Violation("local_only", "local-only: hosted model"))
    if model.hosting == "local" and not allow_local:
        found.append(Violation("hosting", "self-hosted: hosted models only unless a local runtime is asked for"))
    if req.providers and model.provider not in req.providers:
        found.append(Violation("providers", f"provider {model.provider} not in allowed providers"))
    if model.provider in req.exclude_providers:
        found.append(Violation("excluded", f"provider {model.provider} excluded"))
    if req.data_residency and not meets_residency(model.provider, model.hosting, req.data_residency):
        row = provider_rows().get(model.provider)
        declared = ", ".join(row.residency) if row and row.residency else "not published"
        found.append(
            Violation("residency", f"data residency {req.data_residency} not met ({model.provider}: {declared})")
        )
    return found


def _fit(model: ModelInfo, rating: Rating, req: Requirements) -> list[Violation]:
    found: list[Violation] = []
    missing = [cap for cap in req.needs if not model.has(cap)]
    if missing:
        found.append(Violation("capabilities", f"lacks {', '.join(missing)}"))
    if model.context_window is None:
        found.append(Violation("context", "context window unknown"))
    elif model.context_window < req.needed_window:
        found.append(
            Violation(
                "context",
                f"context window {model.context_window:,} < {req.needed_window:,} needed",
                float(model.context_window - _sizes(req)[1]),
            )
        )
    if TIERS.index(rating.tier) < TIERS.index(required_tier(req)):
        found.append(Violation("tier", f"quality tier {rating.tier} below required {required_tier(req)}"))
    return found


def _budgets(candidate: Candidate, req: Requirements) -> list[Violation]:
    found: list[Violation] = []
    cost = candidate.cost_per_request
    if req.max_cost_per_request is not None and cost > req.max_cost_per_request:
        found.append(
            Violation("cost_per_request", f"${cost:.6f}/request over ${req.max_cost_per_request:g} budget", cost)
        )
    per_day = candidate.cost_per_day or 0.0
    if req.max_cost_per_day is not None and per_day > req.max_cost_per_day:
        found.append(
            Violation("cost_per_day", f"${per_day:,.2f}/day over ${req.max_cost_per_day:,.2f} budget", per_day)
        )
    if req.max_cost_per_1m_tokens is not None:
        tokens = sum(_sizes(req)) + candidate.thinking_tokens
        blended = cost / tokens * 1e6
        if blended > req.max_cost_per_1m_tokens:
            found.append(
                Violation("cost_per_1m", f"${blended:.2f}/1M tokens over ${req.max_cost_per_1m_tokens:g}", blended)
            )
    if req.latency_p95_s is not None:
        if candidate.p95_s is None:
            why = (
                "thinks before answering, thinking tokens unmeasured" if candidate.rating.thinks else "no latency data"
            )
            found.append(
                Violation("latency", f"{why}: p95 cannot be checked against the {req.latency_p95_s:g}s budget")
            )
        elif candidate.p95_s > req.latency_p95_s:
            how = "measured" if candidate.latency_measured else "estimated"
            found.append(
                Violation(
                    "latency", f"{how} p95 {candidate.p95_s}s over {req.latency_p95_s:g}s budget", candidate.p95_s
                )
            )
    return found


def violations(
    model: ModelInfo, rating: Rating, candidate: Candidate | None, req: Requirements, allow_local: bool
) -> list[Violation]:
    """Every hard constraint `model` breaks."""
    found = [*_lifecycle(model), *_placement(model, req, allow_local), *_fit(model, rating, req)]
    if candidate is None:
        return [*found, Violation("price", "no known price (never ranked as free)")]
    return [*found, *_budgets(candidate, req)]


def price(
    model: ModelInfo,
    rating: Rating,
    req: Requirements,
    measured: Measured | None = None,
    at: datetime | None = None,
) -> Candidate | None:
    """Cost at the stated volume, thinking tokens included, and p95 latency: measured where the ledger has it.

    `at`: the moment to price at (the catalog's, so one catalog always gives one ranking).
    """
    thinking = thinking_tokens(rating)
    input_tokens, output_tokens = _sizes(req)
    workload = Workload(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        reasoning_tokens=thinking or 0,
        requests_per_day=req.requests_per_day,
    )
    try:
        cost = estimate_cost(model, workload, at)
    except LLMWrightError:
        return None
    p95 = estimate_p95_s(rating, output_tokens, input_tokens)
    if measured is not None and measured.p95_s is not None:
        p95 = measured.p95_s
    return Candidate(model, rating, cost.per_call_usd, cost.per_day_usd, thinking or 0, p95, measured)
