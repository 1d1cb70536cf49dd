"""Failure 4: concurrent calls reserve before sending, so together they never pass a daily cap."""

from __future__ import annotations

import asyncio
import json

import pytest

from llmwright.gateway import BudgetExceeded, CallRequest, CallResult, Gateway

from .conftest import config_for

REF = "openai:gpt-4o-mini"


def billed_tokens(tmp_path) -> int:
    rows = [json.loads(line) for line in (tmp_path / "usage.jsonl").read_text().splitlines()]
    return sum(row["billed_tokens"] for row in rows if row["kind"] == "call")


async def test_a_hundred_concurrent_calls_stay_under_a_daily_token_cap(fake, tmp_path):
    # Each answer is 100 tokens and the prompt ~10: a call spends about what it reserves (~110).
    fake.answers["gpt-4o-mini"] = " ".join(["word"] * 100)
    fake.latency = 0.2  # all hundred are in flight together
    cap = 2000
    config = config_for(fake, tmp_path, providers={"openai": {"daily_tokens": cap}})
    async with Gateway(config) as gateway:
        request = CallRequest.from_prompt("spend", max_tokens=100)
        outcomes = await asyncio.gather(*(gateway.complete(request, REF) for _ in range(100)), return_exceptions=True)
    answered = [o for o in outcomes if isinstance(o, CallResult)]
    refused = [o for o in outcomes if isinstance(o, BudgetExceeded)]
    assert len(answered) + len(refused) == 100 and answered and refused
    assert billed_tokens(tmp_path) <= cap  # 4.3x the cap before reservations
    assert len(fake.requests("p1")) == len(answered)  # a refused call sent nothing
    assert all(r.attempts[0].outcome == "skipped" and r.attempts[0].error == "BudgetExceeded" for r in refused)


async def test_concurrent_calls_on_a_route_stay_under_a_daily_dollar_cap(fake, tmp_path):
    fake.answers["gpt-4o-mini"] = " ".join(["word"] * 400)  # $0.00024 per call at $0.60/M output
    fake.latency = 0.2
    config = config_for(fake, tmp_path, routes={"cheap": {"chain": [REF], "daily_usd": 0.003}})
    async with Gateway(config) as gateway:
        request = CallRequest.from_prompt("spend", max_tokens=400)
        outcomes = await asyncio.gather(
            *(gateway.complete(request, route="cheap") for _ in range(40)), return_exceptions=True
        )
    rows = [json.loads(line) for line in (tmp_path / "usage.jsonl").read_text().splitlines()]
    spent = sum(row["cost_usd"] or 0 for row in rows if row["kind"] == "call")
    assert spent <= 0.003
    assert any(isinstance(o, BudgetExceeded) for o in outcomes) and any(isinstance(o, CallResult) for o in outcomes)


async def test_a_reservation_becomes_the_real_spend_once_the_call_ends(fake, tmp_path):
    """Reserving ~1,010 tokens per call must not refuse the second call of a 1,100 cap: the first spent ~15."""
    config = config_for(fake, tmp_path, providers={"openai": {"daily_tokens": 1100}})
    async with Gateway(config) as gateway:
        for _ in range(3):
            await gateway.complete(CallRequest.from_prompt("small", max_tokens=1000), REF)
        tokens, _ = await gateway.shared.budgets.spent("provider:openai")
    assert tokens == billed_tokens(tmp_path) < 100


async def test_a_dollar_cap_skips_a_model_without_a_price_instead_of_counting_it_free(fake, tmp_path):
    """Ollama's cloud models have no published price: under a daily_usd cap they would spend unseen."""
    unpriced = "ollama:gpt-oss:20b-cloud"
    routes = {"capped": {"chain": [unpriced, REF], "daily_usd": 1.0}, "free": {"chain": [unpriced]}}
    config = config_for(fake, tmp_path, routes=routes)
    async with Gateway(config) as gateway:
        result = await gateway.complete(CallRequest.from_prompt("hi", max_tokens=50), route="capped")
        uncapped = await gateway.complete(CallRequest.from_prompt("hi", max_tokens=50), route="free")
    skipped, answered = result.attempts
    assert skipped.outcome == "skipped" and skipped.error == "BudgetExceeded"
    assert "no known price" in (skipped.message or "") and "daily_tokens" in (skipped.message or "")
    assert answered.outcome == "ok" and result.provider == "openai"
    assert len(fake.requests("p3")) == 1  # only the uncapped route reached the unpriced model
    assert uncapped.provider == "ollama" and uncapped.cost_usd is None


async def test_a_cap_admits_exactly_its_figure_warns_at_its_threshold_and_keeps_the_spend_it_settled():
    from llmwright.gateway.budget import Cap, LocalBudgets

    budgets = LocalBudgets(None)  # no ledger: this process's own totals
    tokens = [Cap("provider:p", daily_usd=None, daily_tokens=100)]
    dollars = [Cap("route:r", daily_usd=1.0, daily_tokens=None)]
    hold, warnings = await budgets.reserve(tokens, 79, 0.0, 0.8)
    assert warnings == []
    _, warnings = await budgets.reserve(tokens, 1, 0.0, 0.8)  # 80 of 100: the warning starts here
    assert warnings == ["provider:p: 80 of 100 daily tokens"]
    await budgets.reserve(tokens, 20, 0.0, 0.8)  # exactly the cap is within it
    with pytest.raises(BudgetExceeded) as caught:
        await budgets.reserve(tokens, 1, 0.0, 0.8)
    assert str(caught.value) == "budget provider:p daily_tokens would be exceeded: used 100 of 100, this call needs ~1"
    await budgets.settle(hold, 9, 0.0)  # the first call spent 9 of the 79 it reserved
    assert await budgets.spent("provider:p") == (30.0, 0.0)
    budgets.release([hold])  # its ledger row is written: without a ledger, this process keeps the spend
    assert await budgets.spent("provider:p") == (30.0, 0.0) and hold.tokens == 0.0

    spend, warnings = await budgets.reserve(dollars, 0, 0.75, 0.8)
    assert warnings == []
    _, warnings = await budgets.reserve(dollars, 0, 0.25, 0.8)
    assert warnings == ["route:r: $1.0000 of $1 daily budget"]
    with pytest.raises(
        BudgetExceeded, match=r"route:r daily_usd would be exceeded: used 1 of 1, this call needs ~1e-06"
    ):
        await budgets.reserve(dollars, 0, 0.000001, 0.8)
    nearly = [Cap("route:s", daily_usd=1.0, daily_tokens=None)]
    await budgets.reserve(nearly, 0, 0.9999996, 0.8)
    with pytest.raises(BudgetExceeded, match=r"used 1 of 1, this call needs ~0.01$"):  # dollars to 6 places
        await budgets.reserve(nearly, 0, 0.01, 0.8)
    _, warnings = await budgets.reserve([Cap("route:w", daily_usd=1.0, daily_tokens=None)], 0, 0.8, 0.8)
    assert warnings == ["route:w: $0.8000 of $1 daily budget"]  # exactly at the threshold
    small = [Cap("route:t", daily_usd=0.02, daily_tokens=None)]
    await budgets.reserve(small, 0, 0.0123456, 0.8)
    with pytest.raises(BudgetExceeded, match=r"used 0.012346 of 0.02, this call needs ~0.012346$"):
        await budgets.reserve(small, 0, 0.0123456, 0.8)
    await budgets.settle(spend, 0, 0.5)
    budgets.release([spend])
    assert await budgets.spent("route:r") == (0.0, 0.75) and await budgets.spent("provider:p") == (30.0, 0.0)


async def test_without_a_ledger_a_process_running_past_midnight_starts_the_day_at_zero():
    from llmwright.gateway.budget import Cap, LocalBudgets

    budgets = LocalBudgets(None)
    caps = [Cap("provider:p", daily_usd=1.0, daily_tokens=100)]
    hold, _ = await budgets.reserve(caps, 90, 0.9, 0.8)
    budgets.release([hold])
    assert await budgets.spent("provider:p") == (90.0, 0.9)
    budgets._day = "2026-01-01"  # the process started on an earlier day: today's caps start afresh
    assert await budgets.spent("provider:p") == (0.0, 0.0)
    hold, _ = await budgets.reserve(caps, 10, 0.1, 0.8)
    budgets.release([hold])
    assert await budgets.spent("provider:p") == (10.0, 0.1)
