"""A model's quality for a task kind: its tier, moved by a cited benchmark figure where one measures the kind.

quality = tier score + 0.3 x (the model's scaled figure - the mean scaled figure of its tier's
rated models on that benchmark). A tier is the heuristic starting point (small 0.45, mid 0.65,
strong 0.8, frontier 0.92); the figure moves a model up or down against its peers, so two
models of one tier tie only when their data does. A model without a figure for the kind keeps
its tier's score and says "no benchmark data": nothing is filled in. A specialist (a coding model)
without a figure for another kind scores one tier lower there: built for code is no evidence of
summarising well.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import TIERS, Rating, Ratings, Score, Tier

TIER_SCORE: dict[Tier, float] = {"small": 0.45, "mid": 0.65, "strong": 0.8, "frontier": 0.92}
BELOW_SMALL = 0.3  # a small specialist off its kind
DATA_WEIGHT = 0.3


@dataclass(frozen=True)
class Quality:
    value: float
    score: Score | None  # the benchmark figure behind it, if any
    evidence: str  # what the value rests on, in words


_centre_memo: dict[int, tuple[Ratings, dict[tuple[Tier, str], float]]] = {}


def _centres(ratings: Ratings) -> dict[tuple[Tier, str], float]:
    """Mean scaled figure per (tier, benchmark); the benchmark-wide mean where a tier has fewer than two."""
    memo = _centre_memo.get(id(ratings))
    if memo is not None and memo[0] is ratings:
        return memo[1]
    by_tier: dict[tuple[Tier, str], list[float]] = {}
    by_bench: dict[str, list[float]] = {}
    for rating in ratings.models.values():
        for score in rating.scores:
            by_tier.setdefault((rating.tier, score.benchmark), []).append(score.scaled)
            by_bench.setdefault(score.benchmark, []).append(score.scaled)
    centres = {}
    for (tier, bench), values in by_tier.items():
        pool = values if len(values) >= 2 else by_bench[bench]
        centres[(tier, bench)] = sum(pool) / len(pool)
    _centre_memo[id(ratings)] = (ratings, centres)
    return centres


def quality_for(rating: Rating, kind: str, ratings: Ratings) -> Quality:
    base = TIER_SCORE[rating.tier]
    score = rating.score_for(kind, ratings.benchmarks)
    if score is None:
        evidence = f"no benchmark data for {kind}; {rating.tier} tier ({rating.tier_source})"
        if rating.made_for and kind not in rating.made_for:
            lower = TIERS.index(rating.tier) - 1
            base = TIER_SCORE[TIERS[lower]] if lower >= 0 else BELOW_SMALL
            evidence += f"; built for {', '.join(rating.made_for)}, so rated one tier lower for {kind}"
        return Quality(base, None, evidence)
    centre = _centres(ratings)[(rating.tier, score.benchmark)]
    value = round(min(1.0, max(0.0, base + DATA_WEIGHT * (score.scaled - centre))), 3)
    unit = ratings.benchmarks[score.benchmark].unit
    return Quality(
        value, score, f"{score.benchmark} {score.value:g} {unit} ({score.licence.split(',')[0]}, {score.date})"
    )
