"""The invariants behind the gateway's promises, for arbitrary inputs (Hypothesis).

- tries per provider never exceed `max_retries + 1`, and no attempt starts after the call's
  deadline (against the loopback fake, with faults drawn at random);
- every retry delay lies within [0, cap], where cap is the larger of the Retry-After cap and
  the backoff cap plus one backoff window of jitter, and never below a (capped) Retry-After;
- the rpm and tpm buckets are never exceeded, whatever the arrival pattern (controlled clock);
- concurrent reservations never let a daily cap be overshot by more than one reservation.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwright.gateway import AllProvidersFailed, BudgetExceeded, CallRequest, Gateway, LLMError, RateLimited
from llmwright.gateway.budget import Cap, LocalBudgets
from llmwright.gateway.limiter import Limiter, LocalRates
from llmwright.gateway.retry import RetryPolicy
from tests.support.fake_provider import FakeProvider, Fault

from .conftest import config_for

EPS = 1e-6

# -- retries ---------------------------------------------------------------------------------------

FAULTS = st.sampled_from(
    [
        Fault("status", 500),
        Fault("status", 503),
        Fault("status", 529),
        Fault("status", 429),
        Fault("status", 429, retry_after=0.01),
        Fault("status", 429, retry_after=0.0),
        Fault("malformed"),
        Fault("truncated"),
        Fault("reset"),
    ]
)


@given(
    retries=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    primary=st.lists(FAULTS, max_size=6),
    fallback=st.lists(FAULTS, max_size=6),
    deadline_s=st.sampled_from([0.3, 5.0]),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_tries_per_provider_never_exceed_max_retries_plus_one_nor_start_past_the_deadline(
    tmp_path: Path, retries: tuple[int, int], primary: list[Fault], fallback: list[Fault], deadline_s: float
) -> None:
    with FakeProvider() as fake:
        fake.fail("p1", *primary)
        fake.fail("p4", *fallback)
        config = config_for(
            fake,
            tmp_path,
            providers={"openai": {"max_retries": retries[0]}, "groq": {"max_retries": retries[1]}},
            gateway={"backoff_base_s": 0.001, "backoff_max_s": 0.004, "retry_after_max_s": 0.02},
        )
        request = CallRequest.from_prompt("hi", deadline_s=deadline_s)

        async def call() -> tuple[list, float]:
            async with Gateway(config, ledger=None) as gateway:
                await gateway.targets(["openai:gpt-4o-mini", "groq:qwen/qwen3-32b"])
                started = time.monotonic()
                try:
                    result = await gateway.complete(request, "openai:gpt-4o-mini", fallback=["groq:qwen/qwen3-32b"])
                    return result.attempts, started
                except LLMError as exc:
                    assert isinstance(exc, AllProvidersFailed), exc
                    return exc.attempts, started

        attempts, started = asyncio.run(call())
        sent = Counter(a.provider for a in attempts if a.outcome != "skipped")
        assert sent["openai"] <= retries[0] + 1 and sent["groq"] <= retries[1] + 1, attempts
        assert len(fake.requests("p1")) == sent["openai"] and len(fake.requests("p4")) == sent["groq"]
        # Sent attempts start before the deadline (measured from just before the call: 10 ms of slack).
        assert all(a.started_at < started + deadline_s + 0.01 for a in attempts if a.outcome != "skipped"), attempts
        # Each provider is tried until it answers or its retries are spent (the deadline is generous).
        if deadline_s > 1 and attempts[-1].outcome != "ok":
            assert sent == {"openai": retries[0] + 1, "groq": retries[1] + 1}


@given(
    max_retries=st.integers(0, 8),
    base_s=st.floats(0.001, 5.0),
    max_s=st.floats(0.001, 60.0),
    retry_after_max_s=st.floats(0.0, 120.0),
    retry_after=st.none() | st.floats(0.0, 10_000.0),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=300, deadline=None)
def test_every_retry_delay_lies_within_zero_and_its_cap(
    max_retries: int, base_s: float, max_s: float, retry_after_max_s: float, retry_after: float | None, seed: int
) -> None:
    policy = RetryPolicy(max_retries, base_s, max_s, retry_after_max_s, rng=random.Random(seed))
    error = RateLimited("slow down", provider="p", retry_after=retry_after)
    cap = max(retry_after_max_s, max_s) + max_s
    floor = min(retry_after, retry_after_max_s) if retry_after is not None else 0.0
    for retry in range(max_retries):
        delay = policy.delay(retry, error)
        assert 0.0 <= delay <= cap + EPS
        assert delay >= floor  # Retry-After (capped) is a floor, never replaced by jitter
        assert delay >= min(max_s, base_s * 2**retry)  # and so is the backoff
    assert 0.0 <= policy.cooldown(error) <= max(retry_after_max_s, base_s)


# -- rate limits -----------------------------------------------------------------------------------


@given(
    rpm=st.sampled_from([1, 6, 60, 599, 1199, 1200, 3000, 60_000]),
    arrivals=st.lists(st.tuples(st.floats(0.0, 5.0), st.floats(0.0, 120.0)), min_size=1, max_size=120),
)
@settings(max_examples=150, deadline=None)
def test_no_sixty_second_window_holds_more_than_rpm_requests(rpm: int, arrivals: list[tuple[float, float]]) -> None:
    """Requests arrive after arbitrary gaps, each willing to wait an arbitrary time: the moments
    they are let through never put more than `rpm` in any 60 s window."""
    now = [0.0]
    limiter = Limiter("p", LocalRates(lambda: now[0]), rpm=rpm)
    sent: list[float] = []

    async def run() -> None:
        for gap, patience in arrivals:
            now[0] += gap
            wait = await limiter.reserve(0, 0.0, patience)
            if wait is not None:
                assert 0.0 <= wait <= patience
                sent.append(now[0] + wait)

    asyncio.run(run())
    assert sent, "the first request always goes"
    sent.sort()
    for i, start in enumerate(sent):
        within = sum(1 for t in sent[i:] if t < start + 60 - EPS)
        assert within <= rpm, (i, within)


@given(
    tpm=st.sampled_from([100, 1000, 30_000]),
    arrivals=st.lists(
        st.tuples(st.floats(0.0, 30.0), st.floats(0.0, 1.0), st.floats(0.0, 120.0)), min_size=1, max_size=80
    ),
)
@settings(max_examples=150, deadline=None)
def test_the_token_bucket_never_overflows_whatever_the_arrivals(
    tpm: int, arrivals: list[tuple[float, float, float]]
) -> None:
    """The provider's bucket holds `tpm` and drains tpm/60 a second: within any span of d seconds,
    what is let through is at most tpm + d * tpm / 60 (a request larger than the bucket waits for
    it to be empty and then passes alone)."""
    now = [0.0]
    limiter = Limiter("p", LocalRates(lambda: now[0]), tpm=tpm)
    sent: list[tuple[float, int]] = []

    async def run() -> None:
        for gap, share, patience in arrivals:
            now[0] += gap
            tokens = max(1, int(share * tpm))
            wait = await limiter.reserve(tokens, 0.0, patience)
            if wait is not None:
                assert 0.0 <= wait <= patience
                sent.append((now[0] + wait, tokens))

    asyncio.run(run())
    sent.sort()
    rate = tpm / 60
    for i, (start, _) in enumerate(sent):
        total = 0
        for at, tokens in sent[i:]:
            total += tokens
            assert total <= tpm + (at - start) * rate + EPS * tpm, (start, at, total)


# -- budgets ---------------------------------------------------------------------------------------


@given(
    cap=st.integers(1, 5000),
    calls=st.lists(st.tuples(st.integers(1, 800), st.floats(0.0, 1.0)), min_size=1, max_size=40),
    order=st.randoms(use_true_random=False),
)
@settings(max_examples=200, deadline=None)
def test_concurrent_reservations_never_overshoot_a_cap_by_more_than_one_reservation(
    cap: int, calls: list[tuple[int, float]], order: random.Random
) -> None:
    """Calls start and end in any interleaving; each reserves its pessimistic estimate and spends
    at most that. The spend recorded (what the ledger would hold) stays within the cap."""
    budgets = LocalBudgets(None)
    caps = [
        Cap("provider:p", daily_usd=None, daily_tokens=cap),
        Cap("route:r", daily_usd=cap / 1000, daily_tokens=None),
    ]
    spent_tokens = spent_usd = 0.0
    in_flight: list[tuple] = []
    pending = list(calls)

    async def run() -> None:
        nonlocal spent_tokens, spent_usd
        while pending or in_flight:
            if pending and (not in_flight or order.random() < 0.6):
                reserve, share = pending.pop(0)
                try:
                    hold, _ = await budgets.reserve(caps, reserve, reserve / 1000, 0.8)
                except BudgetExceeded:
                    continue
                in_flight.append((hold, int(reserve * share)))
            else:
                hold, actual = in_flight.pop(order.randrange(len(in_flight)))
                await budgets.settle(hold, actual, actual / 1000)
                spent_tokens += actual
                spent_usd += actual / 1000
                budgets.release([hold])
            assert (await budgets.spent("provider:p"))[0] <= cap + EPS  # spent and held, at every moment
            assert (await budgets.spent("route:r"))[1] <= cap / 1000 + EPS

    asyncio.run(run())
    largest = max(reserve for reserve, _ in calls)
    assert spent_tokens <= cap + largest  # the promise; reservations are pessimistic, so in fact:
    assert spent_tokens <= cap + EPS and spent_usd <= cap / 1000 + EPS
    assert asyncio.run(budgets.spent("provider:p"))[0] == spent_tokens  # every hold became its real spend
