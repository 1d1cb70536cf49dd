"""Quality tiers and speed classes per model, from `data/quality.toml` (each row cites its source).

Scores are coarse on purpose: a tier per model (small < mid < strong < frontier), Aider's
polyglot pass rate for coding where it exists, and a speed class. They rank candidates;
they are not a benchmark.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..catalog import Catalog, ModelInfo
from ..errors import LLMWrightError
from .requirements import TIERS, TaskKind, Tier

TIER_SCORE: dict[Tier, float] = {"small": 0.45, "mid": 0.65, "strong": 0.8, "frontier": 0.92}
# Typical time to first token (s) and output tokens/s per speed class: a stated heuristic,
# replaced by measured figures where the usage ledger has them.
SPEED: dict[str, tuple[float, float]] = {"fast": (0.3, 250.0), "medium": (0.6, 90.0), "slow": (1.2, 45.0)}
TIER_SPEED = {"small": "fast", "mid": "medium", "strong": "medium", "frontier": "slow"}


@dataclass(frozen=True)
class Rating:
    ref: str
    tier: Tier
    tier_source: str
    coding: float | None = None
    speed: str | None = None
    note: str = ""

    @property
    def speed_class(self) -> str:
        return self.speed if self.speed in SPEED else TIER_SPEED[self.tier]


@dataclass(frozen=True)
class QualityData:
    version: str
    ratings: dict[str, Rating]
    sources: dict[str, str]


@cache
def _raw() -> dict:
    try:
        text = resources.files("llmwright.select").joinpath("data").joinpath("quality.toml").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise LLMWrightError("the model quality table (tools/select/data/quality.toml) is missing; reinstall") from exc
    return tomllib.loads(text)


def load_quality(catalog: Catalog) -> QualityData:
    raw = _raw()
    ratings: dict[str, Rating] = {}
    for row in raw.get("models", []):
        try:
            ref = catalog.resolve(row["ref"]).ref
        except LLMWrightError:
            continue  # a row for a model the catalog no longer has
        if row.get("tier") not in TIERS:
            continue
        ratings[ref] = Rating(
            ref=ref,
            tier=row["tier"],
            tier_source=row.get("tier_source", ""),
            coding=row.get("coding"),
            speed=row.get("speed"),
            note=row.get("note", ""),
        )
    sources = {s["id"]: s.get("url", "") for s in raw.get("sources", [])}
    return QualityData(version=str(raw.get("meta", {}).get("version", "?")), ratings=ratings, sources=sources)


def quality_for(rating: Rating, model: ModelInfo, kind: TaskKind) -> float:
    score = TIER_SCORE[rating.tier]
    if kind == "code" and rating.coding is not None:
        score = 0.5 * score + 0.5 * min(1.0, 0.35 + rating.coding)
    if kind == "reasoning" and model.has("reasoning"):
        score += 0.04
    return round(min(score, 1.0), 3)


def estimated_p95_s(rating: Rating, output_tokens: int) -> float:
    ttft, tokens_per_s = SPEED[rating.speed_class]
    return round(1.5 * (ttft + output_tokens / tokens_per_s), 2)
