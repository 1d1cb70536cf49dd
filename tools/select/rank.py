"""Order eligible models: quality for the task, cost at the stated volume, latency, headroom.

The weights are part of the contract (deterministic, documented): 0.45 quality, 0.35
cost, 0.10 latency, 0.10 window headroom, minus up to 0.08 per tier above the one required
(prefer the minimal capable model), scaled by how much more the model costs than the
cheapest candidate of the required tier: nothing when it costs no more, the full 0.08 at
ten times as much; minus 0.5 x the error rate measured on the usage
ledger (failing 16% of its attempts costs a model as much as one needless tier).
Latency is the ledger's measured p95 where it has enough calls, else the latency table's
estimate; a model with neither scores 0 on latency, so it ranks below a model with data
that is otherwise its equal. Ties break on the reference, so the same inputs always give
the same order.
"""

from __future__ import annotations

import math

from ..catalog import TIERS, Ratings
from .constraints import Candidate, required_tier
from .quality import quality_for
from .requirements import Requirements

WEIGHTS = {"quality": 0.45, "cost": 0.35, "latency": 0.10, "headroom": 0.10}
OVERKILL_PENALTY = 0.08
ERROR_PENALTY = 0.5


def _cost_score(cost: float, cheapest: float, dearest: float) -> float:
    if dearest <= cheapest:
        return 1.0
    span = math.log10(max(dearest, 1e-12)) - math.log10(max(cheapest, 1e-12))
    return 1.0 - (math.log10(max(cost, 1e-12)) - math.log10(max(cheapest, 1e-12))) / span


def score(
    candidate: Candidate, req: Requirements, ratings: Ratings, cheapest: float, dearest: float, floor: float
) -> float:
    quality = quality_for(candidate.rating, req.kind or "chat", ratings).value
    latency = 0.0 if candidate.p95_s is None else 1.0 / (1.0 + candidate.p95_s / 10)
    window = candidate.model.context_window or 0
    headroom = min(1.0, math.log2(max(window / max(req.needed_window, 1), 1.0)) / 4)
    over = TIERS.index(candidate.rating.tier) - TIERS.index(required_tier(req))
    dearer = math.log10(candidate.cost_per_request / floor) if floor > 0 and candidate.cost_per_request > floor else 0.0
    total = (
        WEIGHTS["quality"] * quality
        + WEIGHTS["cost"] * _cost_score(candidate.cost_per_request, cheapest, dearest)
        + WEIGHTS["latency"] * latency
        + WEIGHTS["headroom"] * headroom
        - OVERKILL_PENALTY * max(over, 0) * min(1.0, dearer)
        - ERROR_PENALTY * candidate.error_rate
    )
    return round(total, 4)


def rank(candidates: list[Candidate], req: Requirements, ratings: Ratings) -> list[tuple[Candidate, float]]:
    if not candidates:
        return []
    costs = [c.cost_per_request for c in candidates if c.cost_per_request > 0] or [1e-9]
    cheapest, dearest = min(costs), max(costs)
    needed = required_tier(req)
    floor = min((c.cost_per_request for c in candidates if c.rating.tier == needed), default=0.0)
    scored = [(c, score(c, req, ratings, cheapest, dearest, floor)) for c in candidates]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0].model.ref))
