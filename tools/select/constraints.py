"""Hard constraints: a model that violates one is never recommended, and the list says why."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import ModelInfo, today
from ..cost import Workload, estimate_cost
from ..errors import LLMWrightError
from .measured import Measured
from .quality import Rating, estimated_p95_s
from .requirements import TIERS, Requirements, Tier

# A model that retires within this many days is not worth building on.
RETIREMENT_HORIZON_DAYS = 180


@dataclass(frozen=True)
class Candidate:
    model: ModelInfo
    rating: Rating
    cost_per_request: float
    cost_per_day: float | None
    p95_s: float  # measured on the usage ledger when `measured` has it, else estimated from the speed class
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


def violations(model: ModelInfo, rating: Rating, candidate_cost: Candidate | None, req: Requirements) -> list[str]:
    """Every hard constraint `model` breaks, in words a user can act on."""
    reasons: list[str] = []
    if (
        model.status == "deprecated"
        and model.retires_on
        and (model.retires_on - today()).days < RETIREMENT_HORIZON_DAYS
    ):
        instead = f"; use {model.replacement}" if model.replacement else ""
        reasons.append(f"deprecated, retires {model.retires_on}{instead}")
    if req.local_only and model.hosting != "local":
        reasons.append("local-only: hosted model")
    if req.providers and model.provider not in req.providers:
        reasons.append(f"provider {model.provider} not in allowed providers")
    if model.provider in req.exclude_providers:
        reasons.append(f"provider {model.provider} excluded")
    missing = [cap for cap in req.needs if not model.has(cap)]
    if missing:
        reasons.append(f"lacks {', '.join(missing)}")
    if model.context_window is None:
        reasons.append("context window unknown")
    elif model.context_window < req.needed_window:
        reasons.append(f"context window {model.context_window:,} < {req.needed_window:,} needed")
    if TIERS.index(rating.tier) < TIERS.index(required_tier(req)):
        reasons.append(f"quality tier {rating.tier} below required {required_tier(req)}")
    if candidate_cost is None:
        reasons.append("no known price")
        return reasons
    if req.max_cost_per_request is not None and candidate_cost.cost_per_request > req.max_cost_per_request:
        reasons.append(f"${candidate_cost.cost_per_request:.6f}/request over ${req.max_cost_per_request:g} budget")
    if req.max_cost_per_day is not None and (candidate_cost.cost_per_day or 0) > req.max_cost_per_day:
        reasons.append(f"${candidate_cost.cost_per_day:,.2f}/day over ${req.max_cost_per_day:,.2f} budget")
    if req.max_cost_per_1m_tokens is not None:
        blended = candidate_cost.cost_per_request / ((req.input_tokens or 1) + (req.output_tokens or 0)) * 1e6
        if blended > req.max_cost_per_1m_tokens:
            reasons.append(f"${blended:.2f}/1M tokens over ${req.max_cost_per_1m_tokens:g}")
    if req.latency_p95_s is not None and candidate_cost.p95_s > req.latency_p95_s:
        how = "measured" if candidate_cost.latency_measured else "estimated"
        reasons.append(f"{how} p95 {candidate_cost.p95_s}s over {req.latency_p95_s}s budget")
    return reasons


def price(model: ModelInfo, rating: Rating, req: Requirements, measured: Measured | None = None) -> Candidate | None:
    """Cost at the stated volume and p95 latency: measured on the ledger where it has enough calls."""
    workload = Workload(
        input_tokens=req.input_tokens or 1, output_tokens=req.output_tokens or 0, requests_per_day=req.requests_per_day
    )
    try:
        cost = estimate_cost(model, workload)
    except LLMWrightError:
        return None
    p95 = estimated_p95_s(rating, req.output_tokens or 0)
    if measured is not None and measured.p95_s is not None:
        p95 = measured.p95_s
    return Candidate(model, rating, cost.per_call_usd, cost.per_day_usd, p95, measured)
