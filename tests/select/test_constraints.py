"""Hard constraints at their edges: what rejects a model, what admits it, and what the list says.

Each test builds one model, its rating and a request, and reads the violations `recommend` shows
in its rejected list (and the `needed` value its relax advice quotes). A budget exactly equal to a
model's figure admits it: budgets are limits, not targets to beat.
"""

from __future__ import annotations

from datetime import date

import pytest

from llmwright.catalog import Latency, ModelInfo, Prices, Rating
from llmwright.select import Requirements
from llmwright.select.constraints import (
    Candidate,
    Violation,
    estimate_p95_s,
    latency_gap,
    price,
    violations,
)

LATENCY = Latency(
    ttft_p50_s=0.3, ttft_p95_s=0.5, tokens_per_s=100, probes=50, how="probes", source="t", licence="t", date="t"
)


def model(**fields) -> ModelInfo:
    """A hosted model billed from its own prices: $1 in and $4 out per million tokens."""
    base = {
        "ref": "openai:house-model",
        "provider": "openai",
        "model": "house-model",
        "prices": Prices(input=1.0, output=4.0),
        "context_window": 128_000,
    }
    return ModelInfo(**(base | fields))


def rating(**fields) -> Rating:
    return Rating(**({"ref": "openai:house-model", "tier": "frontier", "tier_source": "t", "thinks": False} | fields))


def request(**fields) -> Requirements:
    """A request as `recommend` sees it after filling in the typical sizes."""
    return Requirements(**({"task": "answer questions", "input_tokens": 1000, "output_tokens": 100} | fields))


def found(info: ModelInfo, rated: Rating, req: Requirements, allow_local: bool = False) -> dict[str, Violation]:
    candidate = price(info, rated, req)
    return {v.constraint: v for v in violations(info, rated, candidate, req, allow_local)}


def candidate_of(info: ModelInfo, rated: Rating, req: Requirements) -> Candidate:
    candidate = price(info, rated, req)
    assert candidate is not None
    return candidate


# The retirement horizon: 180 days from today.


@pytest.mark.parametrize(
    ("retires_on", "rejected"),
    [(date(2027, 5, 30), False), (date(2027, 5, 29), True)],  # 180 and 179 days after 2026-12-01
)
def test_a_deprecated_model_is_rejected_when_it_retires_within_180_days(monkeypatch, retires_on, rejected) -> None:
    monkeypatch.setenv("LLMWRIGHT_TODAY", "2026-12-01")
    info = model(status="deprecated", retires_on=retires_on, replacement="openai:house-model-2")
    violation = found(info, rating(), request()).get("lifecycle")
    assert (violation is not None) == rejected
    if rejected:
        assert violation.reason == "deprecated, retires 2027-05-29; use openai:house-model-2"


def test_a_retiring_model_without_a_successor_names_only_its_date(monkeypatch) -> None:
    monkeypatch.setenv("LLMWRIGHT_TODAY", "2026-12-01")
    info = model(status="deprecated", retires_on=date(2027, 1, 15))
    assert found(info, rating(), request())["lifecycle"].reason == "deprecated, retires 2027-01-15"


def test_a_deprecated_model_with_no_retirement_date_and_an_active_one_pass_the_horizon(monkeypatch) -> None:
    monkeypatch.setenv("LLMWRIGHT_TODAY", "2026-12-01")
    assert "lifecycle" not in found(model(status="deprecated"), rating(), request())
    assert found(model(), rating(), request()) == {}


# The context window.


def test_a_window_exactly_as_large_as_needed_fits() -> None:
    req = request(context_tokens=10_000, input_tokens=10_000)  # 10,100 in and out
    assert "context" not in found(model(context_window=10_100), rating(), req)


def test_a_window_too_small_says_by_how_much_and_the_context_that_would_fit() -> None:
    req = request(context_tokens=10_000, input_tokens=10_000)
    violation = found(model(context_window=10_099), rating(), req)["context"]
    assert violation.reason == "context window 10,099 < 10,100 needed"
    assert violation.needed == 9_999  # the context this model takes with room left for the answer


# Cost budgets: per request, per day, per million tokens.


def test_a_budget_per_request_admits_a_model_at_exactly_its_cost() -> None:
    cost = candidate_of(model(), rating(), request()).cost_per_request
    assert cost == pytest.approx(0.0014)  # 1,000 in at $1/M and 100 out at $4/M
    assert "cost_per_request" not in found(model(), rating(), request(max_cost_per_request=cost))
    over = found(model(), rating(), request(max_cost_per_request=0.0013))["cost_per_request"]
    assert over.reason == "$0.001400/request over $0.0013 budget" and over.needed == cost


def test_a_budget_per_day_admits_a_model_at_exactly_its_cost() -> None:
    daily = request(requests_per_day=10_000)
    per_day = candidate_of(model(), rating(), daily).cost_per_day
    assert per_day == pytest.approx(14.0)
    assert "cost_per_day" not in found(model(), rating(), request(requests_per_day=10_000, max_cost_per_day=per_day))
    over = found(model(), rating(), request(requests_per_day=10_000, max_cost_per_day=13.5))["cost_per_day"]
    assert over.reason == "$14.00/day over $13.50 budget" and over.needed == per_day


def test_a_free_local_model_fits_any_daily_budget() -> None:
    local = model(
        ref="ollama:llama3.2",
        provider="ollama",
        model="llama3.2",
        hosting="local",
        prices=Prices(input=0.0, output=0.0),
    )
    req = request(requests_per_day=1_000_000, max_cost_per_day=0.5)
    assert found(local, rating(ref="ollama:llama3.2"), req, allow_local=True) == {}


def test_the_price_per_million_tokens_blends_input_output_and_thinking() -> None:
    plain = found(model(), rating(), request(max_cost_per_1m_tokens=1.0))["cost_per_1m"]
    assert plain.reason == "$1.27/1M tokens over $1"
    assert plain.needed == pytest.approx(1400 / 1100, rel=1e-9)  # $0.0014 over 1,100 tokens
    thinker = rating(thinks=True, thinking_tokens=900)
    thinking = found(model(), thinker, request(max_cost_per_1m_tokens=1.0))["cost_per_1m"]
    assert thinking.needed == pytest.approx(5000 / 2000, rel=1e-9)  # 900 thinking tokens billed as output


def test_a_budget_per_million_tokens_admits_a_model_at_exactly_its_price() -> None:
    blended = found(model(), rating(), request(max_cost_per_1m_tokens=1.0))["cost_per_1m"].needed
    assert "cost_per_1m" not in found(model(), rating(), request(max_cost_per_1m_tokens=blended))


# Latency: estimated from the latency table, or measured.


def test_the_p95_estimate_counts_thinking_tokens_as_output() -> None:
    assert estimate_p95_s(rating(latency=LATENCY), 100) == 1.5  # 0.5 s to the first token, 100 at 100/s
    assert estimate_p95_s(rating(latency=LATENCY, thinks=True, thinking_tokens=300), 100) == 4.5


def test_a_latency_budget_admits_a_model_at_exactly_its_p95() -> None:
    rated = rating(latency=LATENCY)
    assert "latency" not in found(model(), rated, request(latency_p95_s=1.5))
    over = found(model(), rated, request(latency_p95_s=1.4))["latency"]
    assert over.reason == "estimated p95 1.5s over 1.4s budget" and over.needed == 1.5


@pytest.mark.parametrize(("input_tokens", "estimated"), [(4_000, True), (4_001, False)])
def test_latency_is_estimated_only_for_prompts_as_long_as_the_data_measured(input_tokens, estimated) -> None:
    rated = rating(latency=LATENCY)
    assert (estimate_p95_s(rated, 100, input_tokens) is not None) == estimated
    assert (candidate_of(model(), rated, request(input_tokens=input_tokens)).p95_s is not None) == estimated


def test_why_there_is_no_latency_estimate_is_said_in_words() -> None:
    assert latency_gap(rating(), 100) == "no latency data"
    assert latency_gap(rating(latency=LATENCY), 4_001) == (
        "no latency data for 4,001-token prompts (measured up to 4,000)"
    )
    unmeasured = rating(latency=LATENCY, thinks=True)
    assert estimate_p95_s(unmeasured, 100) is None
    assert (
        latency_gap(unmeasured, 4_000)
        == "no latency data: thinks before answering and its thinking tokens are unmeasured"
    )


def test_a_latency_budget_rejects_a_model_it_cannot_check_and_says_why() -> None:
    req = request(latency_p95_s=2.0)
    silent = found(model(), rating(), req)["latency"]
    assert silent.reason == "no latency data: p95 cannot be checked against the 2s budget"
    assert silent.needed is None
    thinker = found(model(), rating(latency=LATENCY, thinks=True), req)["latency"]
    assert (
        thinker.reason
        == "thinks before answering, thinking tokens unmeasured: p95 cannot be checked against the 2s budget"
    )
