"""The ratings tables: every figure cited (licence, source, date), every row a real catalog model."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from llmwright.catalog import TIERS, load_ratings

REDISTRIBUTABLE = ("Apache-2.0", "MIT", "CC0-1.0")


def _table(name: str) -> dict:
    return tomllib.loads(resources.files("llmwright.catalog").joinpath("data", name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "rows"), [("quality.toml", "models"), ("benchmarks.toml", "scores"),
                                            ("latency.toml", "latency")])  # fmt: skip
def test_every_row_is_a_model_the_catalog_has_under_its_own_name(catalog, name: str, rows: str) -> None:
    for row in _table(name)[rows]:
        assert catalog.resolve(row["ref"]).ref == row["ref"], f"{name}: {row['ref']}"


@pytest.mark.parametrize(("name", "rows"), [("benchmarks.toml", "scores"), ("latency.toml", "latency")])
def test_every_figure_carries_licence_source_and_date(name: str, rows: str) -> None:
    for row in _table(name)[rows]:
        assert row["licence"].startswith(REDISTRIBUTABLE), row["ref"]
        assert row["source"].startswith("https://"), row["ref"]
        assert row["date"], row["ref"]


def test_benchmark_figures_lie_in_their_leaderboards_range() -> None:
    table = _table("benchmarks.toml")
    ranges = {b["id"]: (b["low"], b["high"]) for b in table["benchmarks"]}
    for row in table["scores"]:
        low, high = ranges[row["benchmark"]]
        assert low <= row["score"] <= high, row


def test_ratings_join_the_tables(catalog) -> None:
    ratings = load_ratings(catalog)
    assert all(r.tier in TIERS for r in ratings.models.values())
    gpt4o = ratings.of("openai:gpt-4o")
    assert {s.benchmark: s.value for s in gpt4o.scores} == {"aider-polyglot": 23.1, "vectara-hhem": 90.4}
    flash_lite = ratings.of("google:gemini-2.5-flash-lite").latency
    assert (flash_lite.ttft_p95_s, flash_lite.tokens_per_s, flash_lite.licence) == (0.556, 124.9, "CC0-1.0")
    assert flash_lite.p95_s(300) == round(0.556 + 300 / 124.9, 2)
    assert ratings.of("openai:gpt-5").thinks and ratings.of("openai:gpt-5").thinking_tokens == 4719
    assert ratings.of("anthropic:claude-sonnet-4-6").latency is None  # no data: nothing filled in
