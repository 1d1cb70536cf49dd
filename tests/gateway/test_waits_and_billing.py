"""Failures 5, 6 and 8: retries after a shared Retry-After spread out; a saturated rate limit moves
calls to the next link instead of spending their deadline; timed-out attempts keep their cost."""

from __future__ import annotations

import asyncio
import json
import random

import pytest

from llmwright.gateway import CallRequest, Gateway, ProviderUnavailable, RateLimited, StreamInterrupted
from llmwright.usage import summarise
from tests.support.fake_provider import DEFAULT_ANSWER, Fault

from .conftest import config_for

REF, FALLBACK = "openai:gpt-4o-mini", "anthropic:claude-sonnet-4-6"


def rows(tmp_path, kind: str) -> list[dict]:
    every = [json.loads(line) for line in (tmp_path / "usage.jsonl").read_text().splitlines()]
    return [row for row in every if row["kind"] == kind]


async def test_retries_after_a_shared_retry_after_are_jittered_not_a_herd(fake, tmp_path):
    # Retries come back over [1 s, 2 s): a one-second backoff window on top of the shared Retry-After
    # (the fixture's 0.05 s backoff_max_s would cap that window, and the jitter, at 50 ms).
    backoff = {"backoff_base_s": 1.0, "backoff_max_s": 20.0}
    config = config_for(fake, tmp_path, providers={"openai": {"max_retries": 1}}, gateway=backoff)
    async with Gateway(config) as gateway:
        await gateway.complete("warm up", REF)
        fake.gather("p1", 100)  # all hundred reach the provider, which throttles them at once
        fake.fail("p1", *[Fault("status", 429, retry_after=1)] * 100)
        results = await asyncio.gather(*(gateway.complete(f"call {i}", REF) for i in range(100)))
    assert all(r.text == DEFAULT_ANSWER for r in results)
    assert all([a.error for a in r.attempts] == ["RateLimited", None] for r in results), [
        [(a.error, a.outcome) for a in r.attempts] for r in results
    ]
    # When each retry was sent (the provider's arrival times are smeared by the fake sharing our GIL):
    throttled_at = [r.attempts[0].started_at + r.attempts[0].latency_ms / 1000 for r in results]
    sent = [r.attempts[1].started_at for r in results]
    assert all(again - told >= 1.0 for told, again in zip(throttled_at, sent, strict=True))  # Retry-After is a floor
    busiest = max(sum(1 for t in sent if start <= t < start + 0.1) for start in sent)
    assert busiest <= 35  # ~10 expected; a busy machine bunches a few; it was 77 of 100 within 100 ms


async def test_a_saturated_rate_limit_sends_calls_to_the_next_link_at_once(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"openai": {"rpm": 6}})  # one request per 10 s
    async with Gateway(config) as gateway:
        await gateway.targets([REF, FALLBACK])
        request = CallRequest.from_prompt("hi", deadline_s=5)
        results = await asyncio.gather(
            *(gateway.complete(request.model_copy(), REF, fallback=[FALLBACK]) for _ in range(20))
        )
    assert all(r.text == DEFAULT_ANSWER for r in results)  # 16 of 20 were Timeouts before
    assert sum(r.provider == "openai" for r in results) == 1 and len(fake.requests("p1")) == 1
    skipped = [r.attempts[0] for r in results if r.provider != "openai"]
    assert len(skipped) == 19
    assert all((a.outcome, a.error) == ("skipped", "RateLimited") and "(local)" in a.message for a in skipped)
    assert all(r.latency_ms < 2500 for r in results)  # nobody sat out the 10 s slot


async def test_the_last_link_may_wait_for_its_slot_within_the_deadline(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"openai": {"rpm": 600}})  # a slot every 0.1 s
    async with Gateway(config) as gateway:
        results = await asyncio.gather(*(gateway.complete(f"q{i}", REF) for i in range(5)))
    assert all(r.provider == "openai" and len(r.attempts) == 1 for r in results)
    arrivals = sorted(r.at for r in fake.requests("p1"))
    assert arrivals[-1] - arrivals[0] >= 0.25  # 0.4 s: spaced 0.1 s apart (less jitter on a busy machine)


async def test_a_timed_out_attempt_is_recorded_with_an_estimated_cost(fake, tmp_path):
    fake.fail("p1", Fault("slow", delay=2))
    config = config_for(fake, tmp_path, providers={"openai": {"max_retries": 0, "timeout_s": 0.3}})
    async with Gateway(config) as gateway:
        result = await gateway.complete("bill me", REF, fallback=[FALLBACK])
    timed_out, answered = result.attempts
    assert (timed_out.outcome, timed_out.error, timed_out.estimated) == ("error", "Timeout", True)
    assert timed_out.input_tokens > 0 and timed_out.cost_usd > 0  # the provider finished and billed it
    assert answered.outcome == "ok" and not answered.estimated
    assert result.cost_usd == pytest.approx(timed_out.cost_usd + answered.cost_usd)
    (call,) = rows(tmp_path, "call")
    attempts = rows(tmp_path, "attempt")
    assert call["cost_usd"] == pytest.approx(sum(a["cost_usd"] for a in attempts))
    assert call["estimated_cost_usd"] == pytest.approx(timed_out.cost_usd)
    assert [a["estimated"] for a in attempts] == [True, False]
    summary = summarise(tmp_path / "usage.jsonl")  # what `llmwright usage` and `usage_report` show
    assert summary.cost_usd == pytest.approx(result.cost_usd)
    assert summary.estimated_cost_usd == pytest.approx(timed_out.cost_usd)


async def test_cut_streams_and_cancelled_calls_leave_their_estimated_cost(fake, tmp_path):
    fake.fail("p1", Fault("cut", after_chunks=3))
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        with pytest.raises(StreamInterrupted):
            async for _ in gateway.stream("cut me", REF):
                pass
        fake.fail("p1", Fault("slow", delay=5))
        task = asyncio.create_task(gateway.complete("cancel me", REF))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    cut, cancelled = rows(tmp_path, "attempt")
    assert (cut["outcome"], cut["estimated"]) == ("error", True) and cut["output_tokens"] > 0
    assert (cancelled["outcome"], cancelled["error"], cancelled["estimated"]) == ("cancelled", "Cancelled", True)
    assert all(a["cost_usd"] > 0 for a in (cut, cancelled))
    calls = rows(tmp_path, "call")
    assert [c["error"] for c in calls] == ["StreamInterrupted", "Cancelled"]
    assert all(c["cost_usd"] > 0 for c in calls)


async def test_an_http_error_answer_bills_nothing(fake, tmp_path):
    fake.fail("p1", Fault("status", 500))
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        result = await gateway.complete("hi", REF)
    failed = result.attempts[0]
    assert (failed.error, failed.cost_usd, failed.estimated, failed.input_tokens) == (
        "ProviderUnavailable",
        None,
        False,
        0,
    )


async def test_rate_slots_on_a_controlled_clock():
    """The limiter's schedule, without sleeping: rpm spaced exactly, a burst of tokens, a refusal, a refund."""
    from llmwright.gateway.limiter import Limiter, LocalRates

    now = [100.0]
    limiter = Limiter("p", LocalRates(lambda: now[0]), rpm=60, tpm=600)
    waits = [await limiter.reserve(0, 0.0, 60.0) for _ in range(4)]
    assert waits == [0.0, 1.0, 2.0, 3.0]  # one request a second, each in its own slot
    assert await limiter.reserve(0, 0.0, 3.5) is None  # the next slot (4 s) is past the wait limit: not taken
    now[0] += 10  # ten seconds later the bucket is empty again
    assert await limiter.reserve(600, 0.0, 0.0) == 0.0  # a whole minute of tokens at once ...
    assert await limiter.reserve(300, 0.0, 60.0) == pytest.approx(30.0)  # ... then 300 more wait for 300 to drain
    await limiter.settle(estimated=600, actual=100)  # the first call used 100 of its 600: 500 come back
    assert (await limiter.headroom())["tokens_free"] == pytest.approx(200.0)


class Draws(random.Random):
    """The jitter's draw pinned to one end of its range: the waits a user could see, exactly."""

    def __init__(self, end: str) -> None:
        super().__init__()
        self.end = end

    def uniform(self, a: float, b: float) -> float:
        return a if self.end == "low" else b


def test_retry_waits_back_off_exponentially_to_their_cap_with_retry_after_as_a_floor():
    from llmwright.gateway.retry import RetryPolicy

    low, high = (RetryPolicy(5, 0.5, 4.0, 30.0, rng=Draws(end)) for end in ("low", "high"))
    unavailable = ProviderUnavailable("HTTP 503", provider="p")
    # backoff 0.5, 1, 2, 4, 4 (capped): the wait is that window, plus up to one more window of jitter
    assert [low.delay(n, unavailable) for n in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert [high.delay(n, unavailable) for n in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    told = RateLimited("HTTP 429", provider="p", retry_after=3.0)
    assert [low.delay(n, told) for n in range(4)] == [3.0, 3.0, 3.0, 4.0]  # Retry-After is a floor ...
    assert [high.delay(n, told) for n in range(4)] == [3.5, 4.0, 5.0, 8.0]  # ... the jitter still spreads
    absurd = RateLimited("HTTP 429", provider="p", retry_after=3600.0)
    assert low.delay(0, absurd) == 30.0  # a header cannot park a request for an hour
    # A 429 keeps the provider's other calls away for its Retry-After (capped), else one base backoff;
    # calls that waited it out come back spread over the first backoff window.
    assert (low.cooldown(told), low.cooldown(absurd), low.cooldown(RateLimited("429", provider="p"))) == (
        3.0,
        30.0,
        0.5,
    )
    assert (low.jitter(), high.jitter()) == (0.0, 0.5)


async def test_rate_slots_at_high_rpm_and_for_oversized_requests_on_a_controlled_clock():
    """From 1,200 rpm a tenth of a second's requests may go at once, and still no minute holds more
    than rpm; a request for more tokens than a minute's waits for the bucket to be empty."""
    from llmwright.gateway.limiter import Limiter, LocalRates

    now = [0.0]
    below = Limiter("below", LocalRates(lambda: now[0]), rpm=1199)
    assert [await below.reserve(0, 0.0, 60.0) for _ in range(2)] == [0.0, pytest.approx(60 / 1199)]
    at = Limiter("at", LocalRates(lambda: now[0]), rpm=1200)
    assert [await at.reserve(0, 0.0, 60.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(60 / 1199)]
    high = Limiter("high", LocalRates(lambda: now[0]), rpm=6000)
    waits = [await high.reserve(0, 0.0, 120.0) for _ in range(6100)]
    assert waits[:10] == [0.0] * 10 and waits[10] == pytest.approx(60 / 5991)  # a burst of 10, then spaced
    assert sum(w < 60 - 1e-6 for w in waits) == 6000  # the first minute holds rpm (the next goes at 60 s)
    tokens = Limiter("t", LocalRates(lambda: now[0]), tpm=600)  # 10 tokens a second
    assert await tokens.reserve(300, 0.0, 60.0) == 0.0
    assert await tokens.reserve(900, 0.0, 60.0) == pytest.approx(30.0)  # waits until the 300 have drained
    await tokens.settle(estimated=900, actual=0)  # no usage came back (an error): the estimate stands
    assert (await tokens.headroom())["tokens_free"] == 0.0
    now[0] += 91.0 + 1 / 3  # both drained (at 120 s) and a third of a second more
    requests = Limiter("r", LocalRates(lambda: now[0]), rpm=60, tpm=600)
    await requests.reserve(0, 0.0, 0.0)
    now[0] += 2 / 3
    assert await requests.headroom() == {"rpm": 60, "tpm": 600, "requests_free": 0.667, "tokens_free": 600.0}
    unlimited = Limiter("u", LocalRates(lambda: now[0]))
    assert await unlimited.reserve(0, 0.5, 1.0) == 0.5 and await unlimited.reserve(0, 0.5, 0.2) is None
    assert await unlimited.reserve(0, 0.0, 0.0) == 0.0 and await unlimited.reserve(0, 0.0, -0.5) == 0.0  # never held
    now[0] += 60.0  # long idle: a bucket is empty, never more than empty
    assert (await tokens.headroom())["tokens_free"] == 600.0
    assert await requests.reserve(0, 2.0, 5.0) == pytest.approx(2.0)  # not before 2 s, though a slot is free


async def test_max_concurrency_holds_calls_in_flight_and_frees_every_slot(fake, tmp_path):
    from llmwright.gateway.limiter import Limiter, LocalRates

    fake.latency = 0.3
    config = config_for(fake, tmp_path, providers={"openai": {"max_concurrency": 2}})
    async with Gateway(config) as gateway:
        await gateway.targets([REF, FALLBACK])
        results = await asyncio.gather(*(gateway.complete(f"q{i}", REF) for i in range(5)))
        assert fake.most_in_flight == 2 and all(r.provider == "openai" for r in results)
        fake.latency = 0.0
        fake.fail("p1", Fault("slow", delay=1.0), Fault("slow", delay=1.0))
        busy = [asyncio.create_task(gateway.complete(f"busy{i}", REF)) for i in range(2)]
        await asyncio.sleep(0.1)
        quick = await gateway.complete(CallRequest.from_prompt("now", deadline_s=1), REF, fallback=[FALLBACK])
        await asyncio.gather(*busy)
        again = await asyncio.gather(*(gateway.complete(f"again{i}", REF) for i in range(3)))  # no slot leaked
    assert quick.provider == "anthropic" and (quick.attempts[0].outcome, quick.attempts[0].error) == (
        "skipped",
        "RateLimited",
    )
    assert "max_concurrency" in quick.attempts[0].message
    assert all(r.provider == "openai" for r in again)
    assert await Limiter("uncapped", LocalRates(), concurrency=0).enter(-1.0)  # max_concurrency = 0: no cap
    bulkhead = Limiter("b", LocalRates(), concurrency=1)
    assert await bulkhead.enter(0.0)
    assert not await asyncio.wait_for(bulkhead.enter(0.05), 2)  # full: refused when the wait is up
    asyncio.get_running_loop().call_later(0.1, bulkhead.leave)
    assert not await asyncio.wait_for(bulkhead.enter(-1.0), 2)  # no wait left: refused at once
    await asyncio.sleep(0.15)
    assert await asyncio.wait_for(bulkhead.enter(0.0), 2)
    asyncio.get_running_loop().call_later(0.05, bulkhead.leave)
    assert await asyncio.wait_for(bulkhead.enter(1.0), 2)  # a slot freed within the wait


async def test_a_tpm_limit_holds_calls_back_by_their_prompt_tokens(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"openai": {"tpm": 60}})  # one token a second
    prompt = "count these words " * 10  # ~40 tokens
    async with Gateway(config) as gateway:
        await gateway.targets([REF, FALLBACK])
        first = await gateway.complete(CallRequest.from_prompt(prompt, deadline_s=2), REF, fallback=[FALLBACK])
        second = await gateway.complete(CallRequest.from_prompt(prompt, deadline_s=2), REF, fallback=[FALLBACK])
        headroom = (await gateway.link("openai").limiter.headroom())["tokens_free"]
    assert first.provider == "openai" and second.provider == "anthropic"
    assert (second.attempts[0].outcome, second.attempts[0].error) == ("skipped", "RateLimited")
    assert "rpm/tpm" in second.attempts[0].message
    assert headroom < 60 - 40  # the first call's prompt and answer are charged
    assert len(fake.requests("p1")) == 1
