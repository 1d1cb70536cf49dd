"""Cheaper models that can do the same job, and a separate, labelled list of cheaper ones that do less.

`alternatives` holds only models of the same or a higher quality tier (the catalog's ratings)
with every capability of the model priced, a window that fits, active and priced. A cheaper
model of a lower tier goes to `step_down`, labelled with its tier and what it gives up, so a
cheaper answer is never passed off as an equal one. A model without a rating has no tier to
compare: nothing is listed for it, and the note says so.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ..catalog import SNAPSHOT_SUFFIX, TIERS, Catalog, ModelInfo, Ratings, is_preview, load_ratings
from ..errors import LLMWrightError
from ..providers import suggestible
from .estimate import CostEstimate, Workload, estimate_cost


class Alternative(BaseModel):
    model: str
    tier: str | None = Field(None, description="quality tier from the catalog's ratings")
    per_call_usd: float
    per_month_usd: float | None
    saving_pct: float
    context_window: int | None
    gives_up: str = Field("", description="for a step down: its tier and the benchmark figures it trails on")
    note: str = ""


class CheaperModels(BaseModel):
    alternatives: list[Alternative] = Field(default_factory=list, description="same or higher tier, cheaper")
    step_down: list[Alternative] = Field(default_factory=list, description="lower tier, cheaper, labelled")
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
    ratings: Ratings | None = None,
) -> CheaperModels:
    """Cheaper rated models, ranked by cost, split by whether their tier reaches `model`'s."""
    ratings = ratings or load_ratings(catalog)
    mine = ratings.of(model.ref)
    if mine is None:
        return CheaperModels(
            note=f"{model.ref} has no quality rating, so no cheaper model can be shown to match it; "
            "compare candidates with llmwright select or an eval"
        )
    if baseline.per_call_usd <= 0:
        return CheaperModels(note=f"{model.ref} costs nothing per call here; nothing is cheaper")
    needed = workload.input_tokens + workload.output_tokens + workload.reasoning_tokens
    same: list[Alternative] = []
    lower: list[Alternative] = []
    for ref, rating in ratings.models.items():
        candidate = catalog.resolve(ref)
        if candidate.ref == model.ref or candidate.status != "active" or candidate.prices is None:
            continue
        if (candidate.hosting == "local" and not include_local) or candidate.free_trial_tier:
            continue
        if not suggestible(candidate.provider, [model.provider]) or is_preview(candidate):
            continue
        if any(not candidate.has(cap) for cap in model.capabilities):
            continue
        if candidate.context_window is None or candidate.context_window < needed:
            continue
        try:
            cost = estimate_cost(candidate, workload, at)
        except LLMWrightError:
            continue
        if cost.per_call_usd >= baseline.per_call_usd:
            continue
        option = Alternative(
            model=candidate.ref,
            tier=rating.tier,
            per_call_usd=cost.per_call_usd,
            per_month_usd=cost.per_month_usd,
            saving_pct=round((1 - cost.per_call_usd / baseline.per_call_usd) * 100, 1),
            context_window=candidate.context_window,
        )
        if TIERS.index(rating.tier) >= TIERS.index(mine.tier):
            same.append(option)
        else:
            lower.append(option.model_copy(update={"gives_up": ratings.gives_up(rating, mine)}))
    order = {tier: i for i, tier in enumerate(TIERS)}
    same.sort(key=lambda alt: (alt.per_call_usd, alt.model))
    lower.sort(key=lambda alt: (-order[alt.tier or "small"], alt.per_call_usd, alt.model))
    kept_same = _one_per_model_family(same)[:limit]
    note = "" if kept_same else f"no cheaper model of the {mine.tier} tier or above has every capability of {model.ref}"
    return CheaperModels(alternatives=kept_same, step_down=_one_per_model_family(lower)[:limit], note=note)


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
