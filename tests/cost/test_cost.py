"""Cost arithmetic, checked against hand-computed cases."""

from __future__ import annotations

import pytest

from llmwright.catalog import TIERS, ModelInfo, Prices
from llmwright.cost import Workload, cheaper_alternatives, estimate_cost
from llmwright.errors import PriceUnknown
from tests.conftest import PRICED_AT


def cost(catalog, ref: str, **workload):
    return estimate_cost(catalog.resolve(ref), Workload(**workload), at=PRICED_AT)


def test_per_call_day_and_month(catalog) -> None:
    # gpt-4o: $2.50 / M input, $10 / M output
    result = cost(catalog, "openai:gpt-4o", input_tokens=1000, output_tokens=500, requests_per_day=10_000)
    assert result.input_usd == pytest.approx(0.0025)
    assert result.output_usd == pytest.approx(0.005)
    assert result.per_call_usd == pytest.approx(0.0075)
    assert result.per_day_usd == pytest.approx(75.0)
    assert result.per_month_usd == pytest.approx(2250.0)


def test_cache_hit_bills_cached_input_at_the_read_price(catalog) -> None:
    # gpt-4o cache read $1.25 / M: 1000 input at 60% hit = 400 x 2.5 + 600 x 1.25 per M
    result = cost(catalog, "openai:gpt-4o", input_tokens=1000, output_tokens=0, cache_hit=0.6)
    assert result.cache_read_tokens == 600
    assert result.input_usd == pytest.approx((400 * 2.5 + 600 * 1.25) / 1e6)


def test_batch_discount_where_the_provider_has_one(catalog) -> None:
    # claude-sonnet-4-6 batch: $1.50 / M in, $7.50 / M out (half price)
    normal = cost(catalog, "anthropic:claude-sonnet-4-6", input_tokens=2000, output_tokens=1000)
    batch = cost(catalog, "anthropic:claude-sonnet-4-6", input_tokens=2000, output_tokens=1000, batch=True)
    assert batch.batch_applied
    assert normal.per_call_usd == pytest.approx((2000 * 3 + 1000 * 15) / 1e6)
    assert batch.per_call_usd == pytest.approx((2000 * 1.5 + 1000 * 7.5) / 1e6)


def test_reasoning_tokens_are_billed_as_output(catalog) -> None:
    plain = cost(catalog, "openai:gpt-4o", input_tokens=100, output_tokens=100)
    thinking = cost(catalog, "openai:gpt-4o", input_tokens=100, output_tokens=100, reasoning_tokens=900)
    assert thinking.output_usd == pytest.approx(plain.output_usd * 10)


def test_local_models_cost_nothing(catalog) -> None:
    result = cost(catalog, "ollama:llama3.2", input_tokens=10_000, output_tokens=10_000, requests_per_day=1e6)
    assert result.per_call_usd == 0 and result.per_month_usd == 0


def test_a_model_without_a_price_is_refused_not_zero() -> None:
    unpriced = ModelInfo(ref="openai:mystery", provider="openai", model="mystery", prices=None)
    with pytest.raises(PriceUnknown, match="no price is known"):
        estimate_cost(unpriced, Workload(input_tokens=10))


def test_flat_prices_for_models_genai_prices_lacks() -> None:
    model = ModelInfo(
        ref="together:x",
        provider="together",
        model="not-in-genai-prices-xyz",
        prices=Prices(input=1.0, output=2.0, cache_read=0.5),
    )
    result = estimate_cost(model, Workload(input_tokens=1000, output_tokens=1000, cache_hit=0.5))
    assert result.per_call_usd == pytest.approx((500 * 1.0 + 500 * 0.5 + 1000 * 2.0) / 1e6)


def test_cheaper_alternatives_are_cheaper_capable_fit_and_at_least_as_strong(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o")
    workload = Workload(input_tokens=5000, output_tokens=500, requests_per_day=1000)
    baseline = estimate_cost(model, workload, at=PRICED_AT)
    cheaper = cheaper_alternatives(catalog, model, workload, baseline, limit=5, at=PRICED_AT)
    assert cheaper.alternatives and cheaper.step_down
    costs = [a.per_call_usd for a in cheaper.alternatives]
    assert costs == sorted(costs)
    for alt in [*cheaper.alternatives, *cheaper.step_down]:
        candidate = catalog.resolve(alt.model)
        assert set(model.capabilities) <= set(candidate.capabilities)
        assert alt.per_call_usd < baseline.per_call_usd
        assert candidate.context_window >= 5500
        assert candidate.hosting == "hosted" and candidate.provider not in ("openrouter", "huggingface")
        assert 0 < alt.saving_pct <= 100
    assert all(TIERS.index(a.tier) >= TIERS.index("mid") for a in cheaper.alternatives)
    assert all(a.gives_up == "" for a in cheaper.alternatives)
    for step in cheaper.step_down:
        assert TIERS.index(step.tier) < TIERS.index("mid")
        assert step.gives_up.startswith(f"{step.tier} tier instead of mid")
    assert "mistral:ministral-3b-latest" not in [a.model for a in cheaper.alternatives]  # the example


def test_a_strong_model_is_never_offered_a_small_one_as_an_equal(catalog) -> None:
    model = catalog.resolve("anthropic:claude-sonnet-4-6")
    workload = Workload(input_tokens=2000, output_tokens=400)
    cheaper = cheaper_alternatives(catalog, model, workload, estimate_cost(model, workload, at=PRICED_AT), at=PRICED_AT)
    assert all(a.tier in ("strong", "frontier") for a in cheaper.alternatives)
    assert all(a.tier in ("small", "mid") and " tier instead of strong" in a.gives_up for a in cheaper.step_down)


def test_step_down_names_the_benchmark_it_trails_on(catalog) -> None:
    model = catalog.resolve("openai:gpt-4.1")  # mid, with Aider and Vectara figures
    workload = Workload(input_tokens=1000, output_tokens=300)
    baseline = estimate_cost(model, workload, at=PRICED_AT)
    cheaper = cheaper_alternatives(catalog, model, workload, baseline, limit=20, at=PRICED_AT)
    mini = next(a for a in cheaper.step_down if a.model == "openai:gpt-4.1-mini")
    assert mini.gives_up == "small tier instead of mid; aider-polyglot 32.4 vs 52.4 % passed"


def test_an_unrated_model_gets_no_unchecked_alternatives(catalog) -> None:
    model = catalog.resolve("openai:gpt-4-turbo")
    workload = Workload(input_tokens=1000, output_tokens=300)
    cheaper = cheaper_alternatives(catalog, model, workload, estimate_cost(model, workload, at=PRICED_AT), at=PRICED_AT)
    assert cheaper.alternatives == [] and cheaper.step_down == []
    assert "has no quality rating" in cheaper.note


def test_resellers_appear_only_when_the_baseline_is_theirs(catalog) -> None:
    model = catalog.resolve("groq:openai/gpt-oss-120b")
    workload = Workload(input_tokens=1000, output_tokens=300)
    cheaper = cheaper_alternatives(catalog, model, workload, estimate_cost(model, workload, at=PRICED_AT), at=PRICED_AT)
    listed = [a.model for a in [*cheaper.alternatives, *cheaper.step_down]]
    assert not any(ref.startswith(("openrouter:", "huggingface:")) for ref in listed)
