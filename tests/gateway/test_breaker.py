"""Failure 3: only outages open the breaker; cancellation is neutral; a 429 cools the provider down.

Breaker and cool-down timers run on a clock the test controls (`Gateway(clock=...)`), so
"30 seconds later" costs nothing; the provider is the loopback fake.
"""

from __future__ import annotations

import asyncio

import pytest

from llmwright.gateway import AllProvidersFailed, CallRequest, CircuitOpen, Gateway
from tests.support.fake_provider import Fault

from .conftest import config_for

REF, FALLBACK = "openai:gpt-4o-mini", "groq:qwen/qwen3-32b"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def cancel_in_flight(gateway: Gateway, request: CallRequest | str = "slow") -> None:
    task = asyncio.create_task(gateway.complete(request, REF))
    await asyncio.sleep(0.2)  # the request is at the provider (which takes 5 s)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_cancelled_call_neither_resets_nor_adds_to_the_failure_count(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"openai": {"fail_max": 3, "max_retries": 0}})
    async with Gateway(config) as gateway:
        breaker = gateway.link("openai").breaker
        fake.fail("p1", Fault("status", 500), Fault("status", 500))
        for _ in range(2):
            with pytest.raises(AllProvidersFailed):
                await gateway.complete("fails", REF)
        assert (breaker.state, breaker.fail_counter) == ("closed", 2)
        fake.fail("p1", Fault("slow", delay=5))
        await cancel_in_flight(gateway)
        assert (breaker.state, breaker.fail_counter) == ("closed", 2)  # was reset to 0 before
        fake.fail("p1", Fault("status", 500))
        with pytest.raises(AllProvidersFailed):
            await gateway.complete("fails again", REF)
        assert breaker.state == "open"


async def test_a_cancelled_half_open_trial_leaves_the_breaker_half_open(fake, tmp_path):
    clock = Clock()
    config = config_for(fake, tmp_path, providers={"openai": {"fail_max": 1, "max_retries": 0, "reset_timeout_s": 30}})
    async with Gateway(config, clock=clock) as gateway:
        breaker = gateway.link("openai").breaker
        fake.fail("p1", Fault("status", 503))
        with pytest.raises(AllProvidersFailed):
            await gateway.complete("down", REF)
        assert breaker.state == "open"
        skipped = await gateway.complete("while open", REF, fallback=[FALLBACK])
        assert next((a.provider, a.outcome, a.error) for a in skipped.attempts) == ("openai", "skipped", "CircuitOpen")
        clock.advance(31)
        fake.fail("p1", Fault("slow", delay=5))
        await cancel_in_flight(gateway)  # the trial call, cancelled by its caller
        assert (await breaker.read()).state == "half-open"  # a cancelled trial closed it before
        trial = await gateway.complete("trial", REF)  # the lease was given back: the next call is the trial
        assert trial.attempts[-1].outcome == "ok" and breaker.state == "closed"
    assert len(fake.requests("p1")) == 3


async def test_only_one_trial_at_a_time_while_half_open(fake, tmp_path):
    clock = Clock()
    config = config_for(fake, tmp_path, providers={"openai": {"fail_max": 1, "max_retries": 0}})
    async with Gateway(config, clock=clock) as gateway:
        fake.fail("p1", Fault("status", 500))
        with pytest.raises(AllProvidersFailed):
            await gateway.complete("down", REF)
        await gateway.targets([REF, FALLBACK])  # loaded: the eight calls below start together
        clock.advance(60)
        fake.fail("p1", Fault("slow", delay=2))  # the trial is still in flight when the others come
        results = await asyncio.gather(*(gateway.complete(f"q{i}", REF, fallback=[FALLBACK]) for i in range(8)))
    assert sum(r.provider == "openai" for r in results) == 1  # the trial
    assert all(r.attempts[0].error == "CircuitOpen" for r in results if r.provider == "groq")
    assert len(fake.requests("p1")) == 2


async def test_twenty_429s_cool_the_provider_down_for_retry_after_and_never_open_the_breaker(fake, tmp_path):
    clock = Clock()
    config = config_for(fake, tmp_path, providers={"openai": {"fail_max": 2, "max_retries": 0, "reset_timeout_s": 30}})
    fake.gather("p1", 20)  # twenty calls in flight together ...
    fake.fail("p1", *[Fault("status", 429, retry_after=2)] * 20)  # ... all told to come back in 2 s
    async with Gateway(config, clock=clock) as gateway:
        breaker = gateway.link("openai").breaker
        await gateway.targets([REF, FALLBACK])  # SDKs loaded: the 1 s deadlines below are for the calls
        quick = CallRequest.from_prompt("first", deadline_s=1)  # may not wait 2 s: the fallback answers
        limited = await asyncio.gather(
            *(gateway.complete(quick.model_copy(), REF, fallback=[FALLBACK]) for _ in range(20))
        )
        assert all(r.provider == "groq" and r.attempts[0].error == "RateLimited" for r in limited)
        assert breaker.state == "closed" and breaker.fail_counter == 0  # 429 is not an outage
        # Within the 2 s cool-down, calls that may not wait that long go straight to the fallback ...
        during = await gateway.complete(CallRequest.from_prompt("during", deadline_s=1), REF, fallback=[FALLBACK])
        assert next((a.provider, a.outcome, a.error) for a in during.attempts) == ("openai", "skipped", "RateLimited")
        assert "cooling down" in during.attempts[0].message
        clock.advance(2.1)  # ... and after Retry-After (not the breaker's 30 s) the provider is back
        after = await gateway.complete(CallRequest.from_prompt("after", deadline_s=1), REF, fallback=[FALLBACK])
    assert after.provider == "openai"
    assert len(fake.requests("p1")) == 21


async def test_a_timeout_cut_short_by_the_callers_deadline_is_not_an_outage(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"openai": {"fail_max": 1, "max_retries": 0, "timeout_s": 5}})
    async with Gateway(config) as gateway:
        breaker = gateway.link("openai").breaker
        # Loaded first (SDK, catalog), so the 0.3 s below is the provider's, even as a process's first test.
        await gateway.complete(CallRequest.from_prompt("warm up"), REF)
        fake.fail("p1", Fault("slow", delay=2))
        with pytest.raises(AllProvidersFailed):
            await gateway.complete(CallRequest.from_prompt("short deadline", deadline_s=0.3), REF)
        assert breaker.state == "closed"  # the provider had 0.3 s of its 5: that says nothing about it
        fake.fail("p1", Fault("slow", delay=2))
        with pytest.raises(AllProvidersFailed):
            await gateway.complete(CallRequest.from_prompt("its own timeout", timeout_s=0.3), REF)
        assert breaker.state == "open"  # a full per-attempt timeout does


async def test_the_breaker_step_by_step_on_a_controlled_clock():
    """Every transition, at the exact moments it happens, on a clock that starts at zero: what
    a call is told (skip, trial, wait) and what provider_status shows."""
    from llmwright.gateway.breaker import Breaker, LocalBreakers

    clock = Clock()
    clock.now = 0.0
    store = LocalBreakers(clock)
    breaker = Breaker("p", store, fail_max=2, reset_timeout_s=0.5)
    assert tuple(await breaker.admit(10.0)) == ("pass", 0.0)  # a fresh breaker lets calls through at any time
    await breaker.record("failure", False)
    assert (breaker.state, breaker.fail_counter) == ("closed", 1)
    await breaker.record("failure", False)
    assert (breaker.state, breaker.fail_counter) == ("open", 2)
    clock.advance(0.1)
    with pytest.raises(CircuitOpen, match=r"trial in 0\.4s"):  # opened at 0, reset after 0.5
        await breaker.admit(10.0)
    clock.advance(0.4)  # exactly the reset time: one trial may go
    assert tuple(await breaker.admit(10.0)) == ("trial", 0.0) and breaker.state == "half-open"
    with pytest.raises(CircuitOpen, match="trial call in flight"):
        await breaker.admit(10.0)
    assert tuple(await store.enter("p", 0.5, 10.0)) == ("busy", 10.0)  # the lease runs 10 s
    clock.advance(0.1)
    await breaker.record("neutral", True)  # the trial was cancelled: its lease is given back at once
    assert tuple(await breaker.admit(10.0)) == ("trial", 0.0)
    await breaker.record("success", False)  # a call admitted before the outage answered late ...
    await breaker.record("failure", False)  # ... and another failed late: neither settles the trial
    assert (await breaker.read()).state == "half-open"
    clock.advance(10.0)  # the trial's holder never came back: its lease expired, exactly now
    assert tuple(await breaker.admit(10.0)) == ("trial", 0.0)
    await breaker.record("failure", True)  # the trial failed: open again, for a whole reset time
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen, match=r"trial in 0\.5s"):
        await breaker.admit(10.0)
    clock.advance(0.5)
    assert tuple(await breaker.admit(10.0)) == ("trial", 0.0)
    await breaker.record("success", True)
    assert (breaker.state, breaker.fail_counter) == ("closed", 0)
    # A 429 cools the provider down for its Retry-After, to the instant, and leaves the breaker closed.
    await breaker.record("rate_limited", False, cooldown_s=2.0)
    clock.advance(1.0)
    assert tuple(await breaker.admit(10.0)) == ("wait", 1.0) and (await breaker.read()).cooling_down
    clock.advance(1.0)
    assert tuple(await breaker.admit(10.0)) == ("pass", 0.0) and not (await breaker.read()).cooling_down
    assert (breaker.state, breaker.fail_counter) == ("closed", 0)


async def test_provider_status_shows_a_cool_down_while_it_lasts(fake, tmp_path):
    clock = Clock()
    config = config_for(fake, tmp_path, providers={"openai": {"max_retries": 0}})
    fake.fail("p1", Fault("status", 429, retry_after=2))
    async with Gateway(config, clock=clock) as gateway:
        await gateway.complete("told to wait", REF, fallback=[FALLBACK])
        during = {s.provider: s for s in await gateway.status()}["openai"]
        clock.advance(2.0)
        after = {s.provider: s for s in await gateway.status()}["openai"]
    assert (during.cooling_down, during.breaker) == (True, "closed")
    assert (after.cooling_down, after.breaker) == (False, "closed")


async def test_a_half_open_trial_skipped_for_its_rate_limit_is_given_back_to_the_next_call(fake, tmp_path):
    clock = Clock()  # drives the breaker's reset time and the rpm bucket alike
    providers = {"openai": {"fail_max": 1, "max_retries": 0, "reset_timeout_s": 30, "rpm": 1}}
    fake.fail("p1", Fault("status", 500))
    async with Gateway(config_for(fake, tmp_path, providers=providers), clock=clock) as gateway:
        with pytest.raises(AllProvidersFailed):
            await gateway.complete("down", REF)  # opens the breaker, and takes the minute's one rpm slot
        clock.advance(31)  # half-open: the next call is the trial, but the rpm slot is 29 s away
        request = CallRequest.from_prompt("hi", deadline_s=5)
        first = await gateway.complete(request.model_copy(), REF, fallback=[FALLBACK])
        second = await gateway.complete(request.model_copy(), REF, fallback=[FALLBACK])
        clock.advance(30)
        probe = await gateway.complete(request.model_copy(), REF, fallback=[FALLBACK])
        state = gateway.link("openai").breaker.state
    for skipped in (first, second):  # the second was told "trial call in flight" when the first kept its lease
        assert [(a.provider, a.outcome, a.error) for a in skipped.attempts] == [
            ("openai", "skipped", "RateLimited"),
            ("groq", "ok", None),
        ]
    assert (probe.provider, len(probe.attempts), state) == ("openai", 1, "closed")
    assert len(fake.requests("p1")) == 2


async def test_a_trial_keeps_its_lease_while_its_attempt_may_still_answer(fake, tmp_path):
    clock = Clock()
    config = config_for(fake, tmp_path, providers={"openai": {"fail_max": 1, "max_retries": 0, "reset_timeout_s": 30}})
    async with Gateway(config, clock=clock) as gateway:
        await gateway.targets([REF, FALLBACK])
        fake.fail("p1", Fault("status", 500))
        with pytest.raises(AllProvidersFailed):
            await gateway.complete("down", REF)
        clock.advance(31)
        fake.fail("p1", Fault("slow", delay=10))
        trial = asyncio.create_task(gateway.complete(CallRequest.from_prompt("trial", deadline_s=5), REF))
        while len(fake.requests("p1")) < 2:  # the trial is at the provider
            await asyncio.sleep(0.01)
        clock.advance(4.5)  # the trial has spent 4.5 s of its 5: it may still answer
        other = await gateway.complete("another", REF, fallback=[FALLBACK])
        trial.cancel()
        with pytest.raises(asyncio.CancelledError):
            await trial
    assert [(a.provider, a.outcome, a.error) for a in other.attempts] == [
        ("openai", "skipped", "CircuitOpen"),
        ("groq", "ok", None),
    ]
    assert "trial call in flight" in (other.attempts[0].message or "")
    assert len(fake.requests("p1")) == 2
