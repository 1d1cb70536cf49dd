"""The gateway's fast per-token pricing must agree with the full estimator for every priced model."""

from __future__ import annotations

import random

import pytest

from llmwright.catalog import get_catalog
from llmwright.cost import Workload, estimate_cost
from llmwright.cost.rates import token_rates


def _full(model, i: int, o: int, cr: int, cw: int) -> float:
    workload = Workload(input_tokens=i, output_tokens=o, cache_hit=cr / max(i, 1), cache_write_tokens=cw)
    return estimate_cost(model, workload).per_call_usd


def test_rates_match_the_estimator_for_every_linearly_priced_model() -> None:
    rnd = random.Random(3)
    checked = 0
    for model in get_catalog().models:
        rates = token_rates(model)
        if rates is None:
            assert model.prices is None or model.prices.tiered
            continue
        for _ in range(3):
            i = rnd.randint(0, 400_000)
            o = rnd.randint(0, 60_000)
            cr = rnd.randint(0, i)
            cw = rnd.randint(0, i - cr)
            assert rates.usd(i, o, cr, cw) == pytest.approx(_full(model, i, o, cr, cw), rel=1e-7, abs=1e-9), model.ref
            checked += 1
    assert checked > 1000


def test_known_prices_for_gpt_4o_mini() -> None:
    rates = token_rates(get_catalog().resolve("openai:gpt-4o-mini"))
    assert rates is not None
    # $0.15 per 1M input, $0.60 per 1M output, cached input at half price.
    assert rates.usd(1_000_000, 0, 0, 0) == pytest.approx(0.15)
    assert rates.usd(0, 1_000_000, 0, 0) == pytest.approx(0.60)
    assert rates.usd(1_000_000, 0, 1_000_000, 0) == pytest.approx(0.075)


def test_tiered_models_fall_back_to_the_full_estimator() -> None:
    tiered = [m for m in get_catalog().models if m.prices is not None and m.prices.tiered]
    assert tiered, "the catalog should hold long-context tiered prices (e.g. Gemini 2.5 Pro)"
    assert all(token_rates(m) is None for m in tiered)
