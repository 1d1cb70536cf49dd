"""What is known of each model's quality and speed, every figure with its licence, source and date.

Three tables under `data/`: `quality.toml` (a tier per model, and whether it thinks before
answering), `benchmarks.toml` (public benchmark figures) and `latency.toml` (measured time to
first token and output speed). Model selection ranks on them and cost estimation compares
tiers with them, so they live with the catalog both already read. Nothing here is filled in:
a model without a figure has none, and callers say "no benchmark data" or "no latency data".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from ..errors import LLMWrightError, UnknownModel
from .catalog import Catalog
from .model import ModelInfo

Tier = Literal["small", "mid", "strong", "frontier"]
TIERS: tuple[Tier, ...] = ("small", "mid", "strong", "frontier")
DATA_FILES = ("quality.toml", "benchmarks.toml", "latency.toml")
# `gemini-3.1-pro-preview`, `deepseek-v3.2-exp`, `…-experimental`: names providers give to models
# they may change or withdraw without the notice a stable model gets.
PREVIEW = re.compile(r"(preview|experimental|(?:^|[-_.:/])exp(?:$|[-_.:/]))", re.IGNORECASE)


def is_preview(model: ModelInfo) -> bool:
    """A preview or experimental model: usable, but not one to build on unless asked."""
    return bool(PREVIEW.search(model.model))


@dataclass(frozen=True)
class Benchmark:
    """A public leaderboard: which task kinds it measures and the range its published figures span."""

    id: str
    name: str
    kinds: tuple[str, ...]
    unit: str
    low: float
    high: float
    url: str
    licence: str
    date: str


@dataclass(frozen=True)
class Score:
    """One model's figure on one benchmark, as published, and scaled to 0..1 on the benchmark's range."""

    benchmark: str
    value: float
    scaled: float
    run: str
    source: str
    licence: str
    date: str

    def label(self, unit: str = "%") -> str:
        return f"{self.benchmark} {self.value:g}{unit if unit == '%' else ''}"


@dataclass(frozen=True)
class Latency:
    """Measured time to first token and output speed for one model on one provider."""

    ttft_p50_s: float
    ttft_p95_s: float
    tokens_per_s: float
    probes: int
    how: str
    source: str
    licence: str
    date: str

    def p95_s(self, tokens: int) -> float:
        """A request's p95: the p95 wait for the first token, then `tokens` at the median speed."""
        return round(self.ttft_p95_s + tokens / self.tokens_per_s, 2)

    def tokens_within(self, seconds: float) -> int:
        """How many tokens fit in a p95 budget of `seconds` (0 when the first token alone is over it)."""
        return max(0, int((seconds - self.ttft_p95_s) * self.tokens_per_s))


@dataclass(frozen=True)
class Rating:
    ref: str
    tier: Tier
    tier_source: str
    thinks: bool | None = None  # reasons before answering by default; None = not known
    thinking_tokens: int | None = None  # typical per request, where measured
    thinking_source: str = ""
    scores: tuple[Score, ...] = ()
    latency: Latency | None = None
    note: str = ""
    made_for: tuple[str, ...] = ()  # task kinds a specialist model is built for (empty: a generalist)

    def score_for(self, kind: str, benchmarks: dict[str, Benchmark]) -> Score | None:
        """This model's figure on the first benchmark that measures `kind`, if it has one."""
        for score in self.scores:
            if kind in benchmarks[score.benchmark].kinds:
                return score
        return None


@dataclass(frozen=True)
class Ratings:
    version: str
    models: dict[str, Rating]
    benchmarks: dict[str, Benchmark]
    sources: dict[str, str] = field(default_factory=dict)  # id -> URL, for tiers and thinking

    def of(self, ref: str) -> Rating | None:
        return self.models.get(ref)

    def tier_of(self, ref: str) -> Tier | None:
        rating = self.models.get(ref)
        return rating.tier if rating else None

    def gives_up(self, cheaper: Rating, chosen: Rating, kind: str | None = None) -> str:
        """What moving from `chosen` to `cheaper` costs, in the data's own terms (benchmarks both have)."""
        words = f"{cheaper.tier} tier instead of {chosen.tier}"
        theirs = {s.benchmark: s for s in chosen.scores}
        shared = [
            (mine, theirs[mine.benchmark])
            for mine in cheaper.scores
            if mine.benchmark in theirs and (kind is None or kind in self.benchmarks[mine.benchmark].kinds)
        ]
        for mine, other in shared:
            words += f"; {mine.benchmark} {mine.value:g} vs {other.value:g} {self.benchmarks[mine.benchmark].unit}"
        if not shared:
            words += f"; no shared benchmark data{f' for {kind}' if kind else ''}"
        return words


def _text(name: str) -> str:
    try:
        return resources.files("llmwright.catalog").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise LLMWrightError(f"the model ratings table data/{name} is missing; reinstall llmwright") from exc


@cache
def _raw() -> dict[str, dict[str, Any]]:
    return {name: tomllib.loads(_text(name)) for name in DATA_FILES}


def _benchmarks(raw: dict[str, Any]) -> dict[str, Benchmark]:
    return {
        row["id"]: Benchmark(
            id=row["id"],
            name=row["name"],
            kinds=tuple(row["kinds"]),
            unit=row["unit"],
            low=float(row["low"]),
            high=float(row["high"]),
            url=row["url"],
            licence=row["licence"],
            date=row["date"],
        )
        for row in raw.get("benchmarks", [])
    }


def _score(row: dict[str, Any], bench: Benchmark) -> Score:
    span = bench.high - bench.low
    scaled = min(1.0, max(0.0, (float(row["score"]) - bench.low) / span)) if span > 0 else 0.0
    return Score(
        benchmark=bench.id,
        value=float(row["score"]),
        scaled=round(scaled, 4),
        run=row.get("run", ""),
        source=row["source"],
        licence=row["licence"],
        date=row["date"],
    )


def _latency(row: dict[str, Any]) -> Latency:
    return Latency(
        ttft_p50_s=float(row["ttft_p50_s"]),
        ttft_p95_s=float(row["ttft_p95_s"]),
        tokens_per_s=float(row["tokens_per_s"]),
        probes=int(row["probes"]),
        how=row.get("how", ""),
        source=row["source"],
        licence=row["licence"],
        date=row["date"],
    )


def _resolve(catalog: Catalog, ref: str) -> str | None:
    try:
        return catalog.resolve(ref).ref
    except (UnknownModel, LLMWrightError):
        return None  # a row for a model the catalog no longer has (a test keeps the tables clean)


def build_ratings(catalog: Catalog) -> Ratings:
    raw = _raw()
    quality, bench_raw, latency_raw = (raw[name] for name in DATA_FILES)
    benchmarks = _benchmarks(bench_raw)
    scores: dict[str, list[Score]] = {}
    for row in bench_raw.get("scores", []):
        ref = _resolve(catalog, row["ref"])
        if ref is not None and row["benchmark"] in benchmarks:
            scores.setdefault(ref, []).append(_score(row, benchmarks[row["benchmark"]]))
    speeds: dict[str, Latency] = {}
    for row in latency_raw.get("latency", []):
        ref = _resolve(catalog, row["ref"])
        if ref is not None:
            speeds[ref] = _latency(row)
    models: dict[str, Rating] = {}
    for row in quality.get("models", []):
        ref = _resolve(catalog, row["ref"])
        if ref is None or row.get("tier") not in TIERS:
            continue
        models[ref] = Rating(
            ref=ref,
            tier=row["tier"],
            tier_source=row.get("tier_source", ""),
            thinks=row.get("thinks"),
            thinking_tokens=row.get("thinking_tokens"),
            thinking_source=row.get("thinking_source", ""),
            scores=tuple(scores.get(ref, ())),
            latency=speeds.get(ref),
            note=row.get("note", ""),
            made_for=tuple(row.get("made_for", ())),
        )
    sources = {s["id"]: s.get("url", "") for s in quality.get("sources", [])}
    return Ratings(
        version=str(quality.get("meta", {}).get("version", "?")), models=models, benchmarks=benchmarks, sources=sources
    )


_memo: dict[tuple[int, str], Ratings] = {}


def load_ratings(catalog: Catalog | None = None) -> Ratings:
    """The ratings of `catalog`'s models (the process-wide catalog by default), built once per catalog."""
    from .catalog import get_catalog

    catalog = catalog or get_catalog()
    key = (id(catalog), catalog.data_version)
    if key not in _memo:
        if len(_memo) > 8:
            _memo.clear()
        _memo[key] = build_ratings(catalog)
    return _memo[key]
