"""`[shared] backend = "redis"`: several processes hold one rate limit, one budget, one breaker and
share one call for identical requests — through a real redis-server, against the loopback fake.

The state machines are written once in Python; the Lua scripts must make the same decisions,
which the first tests check step by step on both stores.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import time
from collections import Counter

import pytest

from llmwright.config import Config
from llmwright.gateway import AllProvidersFailed, BudgetExceeded, CallRequest, Gateway
from llmwright.gateway.breaker import LocalBreakers
from llmwright.gateway.budget import Cap, LocalBudgets
from llmwright.gateway.cache import MemoryCache
from llmwright.gateway.limiter import Bucket, LocalRates
from llmwright.gateway.shared import Redis, RedisBreakers, RedisBudgets, RedisRates
from tests.support.cli import ROOT
from tests.support.fake_provider import DEFAULT_ANSWER, FakeProvider, Fault
from tests.support.ports import free_port

from .conftest import config_for

REF, FALLBACK = "openai:gpt-4o-mini", "anthropic:claude-sonnet-4-6"
WORKERS = 4


def shared(url: str, **extra) -> dict:
    """[shared] on this Redis; a long timeout, so a busy test machine is not taken for a Redis outage."""
    return {"shared": {"backend": "redis", "url": url, "timeout_s": 5, **extra}}


# -- the Lua scripts decide as the Python state machines do ------------------------------------


async def test_the_redis_breaker_makes_the_local_breakers_decisions(redis_url):
    steps = [
        ("enter", 30.0, "pass"),
        ("record", "failure", False, ("closed", 1)),
        ("record", "rate_limited", False, ("closed", 0)),  # a 429: the provider answered; it cools down
        ("enter", 30.0, "wait"),
        ("sleep", 0.25),
        ("record", "failure", False, ("closed", 1)),
        ("record", "neutral", False, ("closed", 1)),  # a cancellation changes nothing
        ("record", "failure", False, ("closed", 2)),
        ("record", "failure", False, ("open", 3)),
        ("enter", 30.0, "open"),
        ("enter", 0.0, "trial"),  # the reset time passed: half-open, this call probes
        ("enter", 0.0, "busy"),  # a second caller while the trial is in flight
        ("record", "neutral", True, ("half-open", 3)),  # the trial was cancelled: lease given back
        ("enter", 0.0, "trial"),
        ("record", "failure", True, ("open", 3)),  # the trial failed: open again
        ("enter", 0.0, "trial"),
        ("record", "success", True, ("closed", 0)),  # the trial answered: closed
        ("enter", 30.0, "pass"),
    ]
    remote = RedisBreakers(Redis(redis_url, "t1", 1.0), LocalBreakers())
    for store in (LocalBreakers(), remote):
        for step in steps:
            if step[0] == "sleep":
                await asyncio.sleep(step[1])
            elif step[0] == "enter":
                assert (await store.enter("p", step[1], 10.0)).verdict == step[2], (store, step)
            else:
                state = await store.record("p", step[1], step[2], 3, 0.2 if step[1] == "rate_limited" else 0.0)
                assert (state.state, state.failures) == step[3], (store, step)
    await remote.redis.aclose()


async def test_the_redis_buckets_and_budgets_decide_as_the_local_ones(redis_url, tmp_path):
    bucket = Bucket.requests("rate:p:rpm", 60)  # one request a second
    for store in (LocalRates(), RedisRates(Redis(redis_url, "t2", 1.0), LocalRates())):
        first = await store.reserve([(bucket, 1.0)], 0.0, 5.0)
        second = await store.reserve([(bucket, 1.0)], 0.0, 5.0)
        refused = await store.reserve([(bucket, 1.0)], 0.0, 0.5)
        assert first == pytest.approx(0.0, abs=0.05) and second == pytest.approx(1.0, abs=0.05) and refused is None
    cap = Cap("provider:p", daily_usd=None, daily_tokens=100)
    for budgets in (LocalBudgets(None), RedisBudgets(Redis(redis_url, "t3", 1.0), LocalBudgets(None))):
        hold, _ = await budgets.reserve([cap], 60, 0.0, 0.8)
        with pytest.raises(BudgetExceeded):
            await budgets.reserve([cap], 60, 0.0, 0.8)
        await budgets.settle(hold, 20, 0.0)  # it spent 20 of the 60 it reserved
        await budgets.reserve([cap], 60, 0.0, 0.8)
        budgets.release([hold])
        assert (await budgets.spent("provider:p"))[0] == 20 + 60  # spent, plus the reservation in flight


# -- four worker processes, one fake provider, one Redis -----------------------------------------


def run_workers(config: Config, calls: int, max_tokens: int = 50) -> list[dict]:
    start_at = time.monotonic() + 15  # every worker has imported and built its gateway by then
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.gateway_worker",
                config.model_dump_json(),
                str(calls),
                str(start_at),
                str(max_tokens),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        assert "shared state" not in err, err  # every worker reached Redis the whole time
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


@pytest.mark.slow
def test_four_workers_together_never_send_more_than_the_configured_rpm(fake, tmp_path, redis_url):
    rpm = 1200  # 20 a second for all four together, a burst of 2
    config = config_for(fake, tmp_path, providers={"openai": {"rpm": rpm}}, **shared(redis_url))
    reports = run_workers(config, calls=25)
    assert sum(r["outcomes"].get("result", 0) for r in reports) == WORKERS * 25
    assert len(fake.requests("p1")) == WORKERS * 25
    # When the four workers sent (one clock for every process on the host). Slots are spaced exactly;
    # a worker the machine stalls sends the slots it slept through together when it wakes, so a
    # window holds at most its share, the burst, and half a second's worth for such a stall.
    # Unshared, each of the four would pace itself at the full rate: 4x as many.
    sent = sorted(t for report in reports for t in report["sent"])
    bucket = Bucket.requests("", rpm)
    busiest = max(sum(1 for t in sent if start <= t < start + 2.0) for start in sent)
    assert busiest <= 2.5 * bucket.rate + bucket.capacity, (busiest, " ".join(f"{t - sent[0]:.3f}" for t in sent))
    assert sent[-1] - sent[0] >= (len(sent) - bucket.capacity) / bucket.rate * 0.95  # 100 sends took ~5 s
    # And as the provider saw them arrive (the fake's clock is the same host clock).
    arrived = sorted(logged.at for logged in fake.requests("p1"))
    crowded = max(sum(1 for t in arrived if start <= t < start + 2.0) for start in arrived)
    assert crowded <= 2.5 * bucket.rate + bucket.capacity, (crowded, " ".join(f"{t - arrived[0]:.3f}" for t in arrived))


@pytest.mark.slow
def test_four_workers_together_stay_under_one_daily_token_cap(fake, tmp_path, redis_url):
    fake.answers["gpt-4o-mini"] = " ".join(["word"] * 100)  # ~110 tokens a call, as reserved
    fake.latency = 0.3
    cap = 3000
    # No ledger file for the workers to share: only Redis can make the four hold one cap.
    config = config_for(
        fake, tmp_path, providers={"openai": {"daily_tokens": cap}}, gateway={"ledger": False}, **shared(redis_url)
    )
    reports = run_workers(config, 20, 100)
    outcomes = sum((Counter(r["outcomes"]) for r in reports), Counter())
    assert outcomes["result"] > 0 and outcomes["BudgetExceeded"] > 0
    assert outcomes["result"] + outcomes["BudgetExceeded"] == WORKERS * 20
    assert sum(r["tokens"] for r in reports) <= cap  # ~8,800 unshared (each worker alone under its cap)
    assert len(fake.requests("p1")) == outcomes["result"]


# -- breakers, cool-downs and single-flight across gateways that share only Redis --------------


async def test_a_breaker_opened_by_one_process_skips_the_provider_in_another(fake, tmp_path, redis_url):
    config = config_for(
        fake, tmp_path, providers={"openai": {"fail_max": 2, "max_retries": 1}}, **shared(redis_url, prefix="b")
    )
    fake.fail("p1", Fault("status", 500), Fault("status", 500))
    async with Gateway(config) as one, Gateway(config) as two:
        first = await one.complete("hi", REF, fallback=[FALLBACK])
        second = await two.complete("hi", REF, fallback=[FALLBACK])
        status = {s.provider: s for s in await two.status()}
    assert [a.error for a in first.attempts] == ["ProviderUnavailable", "ProviderUnavailable", None]
    assert [(a.outcome, a.error) for a in second.attempts] == [("skipped", "CircuitOpen"), ("ok", None)]
    assert len(fake.requests("p1")) == 2
    assert status["openai"].breaker == "open" and "redis" in status["openai"].shared


async def test_a_429_cools_the_provider_down_for_every_process(fake, tmp_path, redis_url):
    config = config_for(fake, tmp_path, providers={"openai": {"max_retries": 0}}, **shared(redis_url, prefix="c"))
    fake.fail("p1", Fault("status", 429, retry_after=5))
    async with Gateway(config) as one, Gateway(config) as two:
        await one.complete("hi", REF, fallback=[FALLBACK])
        await two.targets([REF, FALLBACK])
        quick = CallRequest.from_prompt("hi", deadline_s=2)
        second = await two.complete(quick, REF, fallback=[FALLBACK])
    assert next((a.outcome, a.error) for a in second.attempts) == ("skipped", "RateLimited")
    assert len(fake.requests("p1")) == 1


async def test_identical_calls_in_two_processes_share_one_provider_call(tmp_path, redis_url):
    with FakeProvider(latency=0.5) as fake:
        config = config_for(fake, tmp_path, **shared(redis_url, prefix="f"))
        async with Gateway(config, cache=MemoryCache()) as one, Gateway(config, cache=MemoryCache()) as two:
            results = await asyncio.gather(
                *(gateway.complete("the same question", REF) for gateway in (one, two) for _ in range(5))
            )
        assert len(fake.requests("p1")) == 1  # the caches are private: the answer came through Redis
    assert all(r.text == DEFAULT_ANSWER for r in results) and sum(not r.cached for r in results) == 1


async def test_without_redis_each_process_keeps_its_own_limits_and_calls_go_on(fake, tmp_path, caplog):
    down = shared(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    config = config_for(fake, tmp_path, providers={"openai": {"rpm": 6000, "daily_tokens": 10_000}}, **down)
    with caplog.at_level(logging.WARNING, logger="llmwright.gateway"):
        async with Gateway(config) as gateway:
            results = [await gateway.complete(f"hi {i}", REF) for i in range(3)]
            status = {s.provider: s for s in await gateway.status()}
    assert [r.text for r in results] == [DEFAULT_ANSWER] * 3
    assert "unreachable" in status["openai"].shared
    warnings = [r.getMessage() for r in caplog.records if "shared state" in r.getMessage()]
    assert len(warnings) == 1 and "own limits" in warnings[0]


async def test_a_call_cancelled_while_another_process_leads_does_not_hold_up_later_identical_calls(tmp_path, redis_url):
    with FakeProvider(latency=1.0) as fake:
        config = config_for(fake, tmp_path, **shared(redis_url, prefix="g"))
        async with Gateway(config, cache=MemoryCache()) as one, Gateway(config, cache=MemoryCache()) as two:
            await one.targets([REF])
            await two.targets([REF])
            leader = asyncio.create_task(one.complete("the same question", REF))
            await asyncio.sleep(0.3)  # one leads the key in Redis
            waiting = asyncio.create_task(two.complete("the same question", REF))
            await asyncio.sleep(0.2)  # two waits for one's answer
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            later = await two.complete(CallRequest.from_prompt("the same question", deadline_s=5), REF)
            first = await leader
        assert len(fake.requests("p1")) == 1
    assert first.text == later.text == DEFAULT_ANSWER and later.cached


async def test_when_the_leader_in_another_process_fails_one_call_here_leads_the_next_round(tmp_path, redis_url):
    with FakeProvider(latency=0.5) as fake:
        config = config_for(fake, tmp_path, providers={"openai": {"max_retries": 0}}, **shared(redis_url, prefix="h"))
        fake.fail("p1", Fault("status", 500))  # the first request only
        async with Gateway(config, cache=MemoryCache()) as one, Gateway(config, cache=MemoryCache()) as two:
            await one.targets([REF])
            leader = asyncio.create_task(one.complete("the same question", REF))
            await asyncio.sleep(0.2)
            here = await asyncio.gather(*(two.complete("the same question", REF) for _ in range(5)))
            with pytest.raises(AllProvidersFailed):  # the leader's own 500
                await leader
        assert len(fake.requests("p1")) == 2  # the failed lead, then one new lead for the five here
    assert all(r.text == DEFAULT_ANSWER for r in here) and sum(not r.cached for r in here) == 1


async def test_a_call_waiting_for_another_processs_answer_polls_redis_gently(tmp_path, redis_url):
    from redis.asyncio import Redis as Client

    with FakeProvider(latency=2.0) as fake:
        config = config_for(fake, tmp_path, **shared(redis_url, prefix="i"))
        async with Gateway(config, cache=MemoryCache()) as one, Gateway(config, cache=MemoryCache()) as two:
            await one.targets([REF])
            await two.targets([REF])
            leader = asyncio.create_task(one.complete("the same question", REF))
            await asyncio.sleep(0.3)
            client = Client.from_url(redis_url)
            before = (await client.info("stats"))["total_commands_processed"]
            answers = await asyncio.gather(*(two.complete("the same question", REF) for _ in range(5)))
            during = (await client.info("stats"))["total_commands_processed"] - before
            await client.aclose()
            await leader
        assert len(fake.requests("p1")) == 1
    assert all(r.text == DEFAULT_ANSWER and r.cached for r in answers)
    # about 1.7 s of waiting: polls start at 10 ms and back off to 250 ms (two commands each), not a busy loop
    assert during < 100, during
