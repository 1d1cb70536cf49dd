"""Cheaper models that can do the same job: same capabilities, a window that fits, active."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from ..catalog import SNAPSHOT_SUFFIX, Catalog, ModelInfo
from ..errors import LLMWrightError
from ..providers import suggestible
from .estimate import CostEstimate, Workload, estimate_cost


class Alternative(BaseModel):
    model: str
    per_call_usd: float
    per_month_usd: float | None
    saving_pct: float
    context_window: int | None
    note: str = ""


def cheaper_alternatives(
    catalog: Catalog,
    model: ModelInfo,
    workload: Workload,
    baseline: CostEstimate,
    *,
    limit: int = 5,
    include_local: bool = False,
    at: datetime | None = None,
) -> list[Alternative]:
    """Ranked by cost; quality is not compared here (model selection does that)."""
    needed = workload.input_tokens + workload.output_tokens + workload.reasoning_tokens
    found: list[Alternative] = []
    for candidate in catalog.find(capabilities=model.capabilities):
        if candidate.ref == model.ref or candidate.status != "active" or candidate.prices is None:
            continue
        if candidate.hosting == "local" and not include_local:
            continue
        if candidate.free_trial_tier:
            continue
        if not suggestible(candidate.provider, [model.provider]):
            continue
        if candidate.context_window is None or candidate.context_window < needed:
            continue
        try:
            cost = estimate_cost(candidate, workload, at)
        except LLMWrightError:
            continue
        if cost.per_call_usd >= baseline.per_call_usd or baseline.per_call_usd <= 0:
            continue
        saving = 1 - cost.per_call_usd / baseline.per_call_usd
        found.append(
            Alternative(
                model=candidate.ref,
                per_call_usd=cost.per_call_usd,
                per_month_usd=cost.per_month_usd,
                saving_pct=round(saving * 100, 1),
                context_window=candidate.context_window,
            )
        )
    found.sort(key=lambda alt: (alt.per_call_usd, alt.model))
    return _one_per_model_family(found)[:limit]


def _one_per_model_family(alternatives: list[Alternative]) -> list[Alternative]:
    """Dated snapshots of one model crowd the list; keep the cheapest of each base name."""
    seen: set[str] = set()
    kept = []
    for alt in alternatives:
        base = SNAPSHOT_SUFFIX.sub("", alt.model)
        if base in seen:
            continue
        seen.add(base)
        kept.append(alt)
    return kept
