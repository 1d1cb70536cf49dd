"""Retries, breaker, limiter, fallback, deadlines, budgets and streaming rules, over real sockets."""

from __future__ import annotations

import asyncio
import time

import pytest

from llmwright.gateway import (
    AllProvidersFailed,
    BadRequest,
    BudgetExceeded,
    CallRequest,
    CallResult,
    Gateway,
    StreamInterrupted,
)
from tests.support.fake_provider import FakeProvider, Fault

from .conftest import config_for

PRIMARY, SECONDARY = "anthropic:claude-sonnet-4-6", "openai:gpt-4o-mini"


def outcomes(result_or_error) -> list[tuple[str, str, str | None]]:
    return [(a.provider, a.outcome, a.error) for a in result_or_error.attempts]


async def test_retry_honours_retry_after(fake, tmp_path):
    fake.fail("p1", Fault("status", 429, retry_after=0.3))
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        started = time.monotonic()
        result = await gateway.complete("hi", SECONDARY)
    assert time.monotonic() - started >= 0.3
    assert outcomes(result) == [("openai", "error", "RateLimited"), ("openai", "ok", None)]


async def test_a_retry_after_longer_than_the_call_may_wait_moves_to_the_next_link_at_once(fake, tmp_path):
    fake.fail("p1", Fault("status", 503, retry_after=10), Fault("status", 503, retry_after=10))
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        await gateway.targets([SECONDARY, PRIMARY])
        started = time.monotonic()
        result = await gateway.complete(CallRequest.from_prompt("hi", deadline_s=4), SECONDARY, fallback=[PRIMARY])
    assert time.monotonic() - started < 2  # neither slept 10 s nor asked the unavailable provider again
    assert outcomes(result) == [("openai", "error", "Overloaded"), ("anthropic", "ok", None)]
    assert len(fake.requests("p1")) == 1


async def test_retry_after_is_capped(fake, tmp_path):
    fake.fail("p1", Fault("status", 429, retry_after=3600))
    config = config_for(fake, tmp_path, gateway={"retry_after_max_s": 0.1})
    async with Gateway(config) as gateway:
        started = time.monotonic()
        await gateway.complete("hi", SECONDARY)
    assert time.monotonic() - started < 2


async def test_fallback_when_primary_is_down_503(fake, tmp_path):
    fake.fail("p2", *[Fault("status", 503)] * 3)
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        result = await gateway.complete("hi", PRIMARY, fallback=[SECONDARY])
    assert result.provider == "openai" and result.link == 1
    assert outcomes(result) == [("anthropic", "error", "Overloaded")] * 3 + [("openai", "ok", None)]
    assert len(fake.requests("p2")) == 3 and len(fake.requests("p1")) == 1


async def test_fallback_when_primary_refuses_connections(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"anthropic": {"base_url": "http://127.0.0.1:9", "max_retries": 0}})
    async with Gateway(config) as gateway:
        result = await gateway.complete("hi", PRIMARY, fallback=[SECONDARY])
    assert outcomes(result) == [("anthropic", "error", "ProviderUnavailable"), ("openai", "ok", None)]
    refused = result.attempts[0]  # nothing reached the provider: nothing to bill, not even an estimate
    assert (refused.cost_usd, refused.estimated, refused.input_tokens) == (None, False, 0)


async def test_open_breaker_skips_instantly(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"anthropic": {"fail_max": 2, "max_retries": 1}})
    fake.fail("p2", *[Fault("status", 500)] * 2)
    async with Gateway(config) as gateway:
        first = await gateway.complete("hi", PRIMARY, fallback=[SECONDARY])
        assert gateway.links["anthropic"].breaker.state == "open"
        second = await gateway.complete("hi", PRIMARY, fallback=[SECONDARY])
    assert outcomes(first) == [("anthropic", "error", "ProviderUnavailable")] * 2 + [("openai", "ok", None)]
    assert outcomes(second) == [("anthropic", "skipped", "CircuitOpen"), ("openai", "ok", None)]
    assert len(fake.requests("p2")) == 2


async def test_a_call_skipped_by_the_open_breaker_gives_its_in_flight_slot_back(fake, tmp_path):
    providers = {"anthropic": {"fail_max": 1, "max_retries": 0, "reset_timeout_s": 0.3, "max_concurrency": 1}}
    fake.fail("p2", Fault("status", 500))
    async with Gateway(config_for(fake, tmp_path, providers=providers)) as gateway:
        await gateway.complete("hi", PRIMARY, fallback=[SECONDARY])  # the 500 opens the breaker
        skipped = await gateway.complete("hi", PRIMARY, fallback=[SECONDARY])
        await asyncio.sleep(0.4)  # past the reset time: the next call probes the provider
        probe = await gateway.complete(CallRequest.from_prompt("hi", deadline_s=2), PRIMARY, fallback=[SECONDARY])
    assert outcomes(skipped) == [("anthropic", "skipped", "CircuitOpen"), ("openai", "ok", None)]
    assert outcomes(probe) == [("anthropic", "ok", None)]  # its one in-flight slot is free again


async def test_breaker_ignores_terminal_errors(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"openai": {"fail_max": 1}})
    fake.fail("p1", Fault("status", 400, message="bad parameter"))
    async with Gateway(config) as gateway:
        with pytest.raises(BadRequest):
            await gateway.complete("hi", SECONDARY)
        assert gateway.links["openai"].breaker.state == "closed"


async def test_terminal_error_stops_the_chain(fake, tmp_path):
    fake.fail("p2", Fault("status", 400, message="invalid parameter"))
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        with pytest.raises(BadRequest) as caught:
            await gateway.complete("hi", PRIMARY, fallback=[SECONDARY])
    assert outcomes(caught.value) == [("anthropic", "error", "BadRequest")]
    assert fake.requests("p1") == []


async def test_context_too_long_moves_to_a_link_that_fits(fake, tmp_path):
    fake.fail("p1", Fault("status", 400, message="maximum context length exceeded"))
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        result = await gateway.complete("hi", SECONDARY, fallback=[PRIMARY])
    assert outcomes(result) == [("openai", "error", "ContextTooLong"), ("anthropic", "ok", None)]


async def test_retry_budget_and_all_failed_lists_every_attempt(fake, tmp_path):
    fake.fault_rate("p1", 1.0, [Fault("status", 500)])
    fake.fault_rate("p2", 1.0, [Fault("status", 529)])
    config = config_for(fake, tmp_path, providers={"openai": {"max_retries": 3}, "anthropic": {"max_retries": 1}})
    async with Gateway(config) as gateway:
        with pytest.raises(AllProvidersFailed) as caught:
            await gateway.complete("hi", PRIMARY, fallback=[SECONDARY])
    assert (
        outcomes(caught.value)
        == [("anthropic", "error", "Overloaded")] * 2 + [("openai", "error", "ProviderUnavailable")] * 4
    )
    assert len(fake.requests("p2")) == 2 and len(fake.requests("p1")) == 4


async def test_each_attempt_reports_its_latency_in_milliseconds_and_counts_in_provider_status(tmp_path):
    with FakeProvider(latency=0.05) as slow:
        slow.fail("p1", *[Fault("status", 500)] * 3)
        async with Gateway(config_for(slow, tmp_path, providers={"openai": {"max_retries": 3}})) as gateway:
            result = await gateway.complete("hi", SECONDARY)
            status = {s.provider: s for s in await gateway.status()}["openai"]
    assert (status.recent_calls, status.error_rate) == (4, 0.75)  # provider_status counts every answer
    latencies = [a.latency_ms for a in result.attempts]
    assert [a.outcome for a in result.attempts] == ["error"] * 3 + ["ok"]
    assert all(40 <= ms < 5000 and round(ms, 1) == ms for ms in latencies), latencies
    assert any(ms != int(ms) for ms in latencies), latencies  # not rounded to whole milliseconds


async def test_provider_status_counts_the_last_two_hundred_answers(fake, tmp_path):
    async with Gateway(config_for(fake, tmp_path, gateway={"ledger": False})) as gateway:
        for i in range(205):
            await gateway.complete(f"question {i}", SECONDARY)
        status = {s.provider: s for s in await gateway.status()}["openai"]
    assert (status.recent_calls, status.error_rate) == (200, 0.0)


async def test_a_link_reached_after_the_deadline_is_skipped_saying_why(fake, tmp_path):
    fake.fail("p2", Fault("slow", delay=5))
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        await gateway.targets([PRIMARY, SECONDARY])
        with pytest.raises(AllProvidersFailed) as caught:  # the primary's attempt runs to the deadline
            await gateway.complete(CallRequest.from_prompt("hi", deadline_s=0.5), PRIMARY, fallback=[SECONDARY])
    assert outcomes(caught.value) == [("anthropic", "error", "Timeout"), ("openai", "skipped", "Timeout")]
    assert caught.value.attempts[1].message == "openai: deadline reached before the request could be sent"
    assert fake.requests("p1") == []


async def test_deadline_is_never_passed(fake, tmp_path):
    fake.fault_rate("p1", 1.0, [Fault("slow", delay=5)])
    fake.fault_rate("p2", 1.0, [Fault("slow", delay=5)])
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        await gateway.targets([PRIMARY, SECONDARY])  # SDKs loaded: the deadline is the call's alone
        started = time.monotonic()
        with pytest.raises(AllProvidersFailed) as caught:
            await gateway.complete(
                CallRequest.from_prompt("hi", deadline_s=0.6, timeout_s=0.25), PRIMARY, fallback=[SECONDARY]
            )
    assert time.monotonic() - started < 0.6 + 0.3
    assert {a.error for a in caught.value.attempts} == {"Timeout"}


async def test_rate_limit_rpm_is_held(fake, tmp_path):
    """rpm=120: requests are spaced 0.5 s apart, so no window ever sees more than its share."""
    import asyncio

    config = config_for(fake, tmp_path, providers={"openai": {"rpm": 120}})
    async with Gateway(config) as gateway:
        await asyncio.gather(*(gateway.complete(f"hi {i}", SECONDARY) for i in range(6)))
    seen = sorted(r.at for r in fake.requests("p1"))
    assert len(seen) == 6
    for i in range(len(seen)):
        for j in range(i + 1, len(seen)):
            # requests in any interval of length d <= d * rpm/60 + 1 (50 ms of network jitter allowed)
            assert j - i <= (seen[j] - seen[i] + 0.05) * 120 / 60 + 1


async def test_rate_limit_wait_counts_against_the_deadline(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"openai": {"rpm": 6}})  # one request per 10 s
    async with Gateway(config) as gateway:
        await gateway.complete("first", SECONDARY)
        started = time.monotonic()
        with pytest.raises(AllProvidersFailed) as caught:
            await gateway.complete(CallRequest.from_prompt("second", deadline_s=0.3), SECONDARY)
    assert time.monotonic() - started < 0.1  # refused at once: the wait would pass the deadline
    assert outcomes(caught.value) == [("openai", "skipped", "RateLimited")]
    assert caught.value.attempts[0].message.startswith("openai: (local) rpm/tpm")


async def test_budget_refuses_before_sending(fake, tmp_path):
    # gpt-4o-mini: $0.60/M out. max_tokens=1200 → each call is estimated at ~$0.00072 before it is sent;
    # the first answer is 400 tokens ($0.00024), so the second would pass the $0.0008 cap.
    fake.answers["gpt-4o-mini"] = " ".join(["word"] * 400)
    config = config_for(fake, tmp_path, providers={"openai": {"daily_usd": 0.0008}})
    async with Gateway(config) as gateway:
        first = await gateway.complete(CallRequest.from_prompt("hi", max_tokens=1200), SECONDARY)
        assert first.warnings  # past 80% of the cap once this call's estimate is counted
        with pytest.raises(BudgetExceeded) as caught:
            await gateway.complete(CallRequest.from_prompt("hi again", max_tokens=1200), SECONDARY)
    assert "provider:openai daily_usd" in str(caught.value)
    assert len(fake.requests("p1")) == 1


async def test_route_budget_in_tokens(fake, tmp_path):
    config = config_for(fake, tmp_path, routes={"cheap": {"chain": [SECONDARY], "daily_tokens": 50}})
    async with Gateway(config) as gateway:
        with pytest.raises(BudgetExceeded, match="route:cheap daily_tokens"):
            await gateway.complete(CallRequest.from_prompt("hi", max_tokens=100), route="cheap")
    assert fake.requests() == []


async def test_mid_stream_failure_keeps_partial_text_and_never_falls_back(fake, tmp_path):
    fake.fail("p2", Fault("cut", after_chunks=2))
    received: list[str] = []
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        with pytest.raises(StreamInterrupted) as caught:
            async for item in gateway.stream("hi", PRIMARY, fallback=[SECONDARY]):
                received.append(item)
    assert caught.value.partial_text == "".join(received) == "Hello from "
    assert outcomes(caught.value) == [("anthropic", "error", "IncompleteResponse")]
    assert len(fake.requests("p2")) == 1 and fake.requests("p1") == []


async def test_a_stream_that_stalls_is_a_timeout_before_or_after_its_first_token(fake, tmp_path):
    fake.fail("p2", Fault("stall", delay=3.0, after_chunks=0), Fault("stall", delay=3.0, after_chunks=2))
    config = config_for(fake, tmp_path, providers={"anthropic": {"max_retries": 1, "timeout_s": 0.4}})
    async with Gateway(config) as gateway:
        await gateway.targets([PRIMARY])
        started = time.monotonic()
        received: list[str] = []
        with pytest.raises(StreamInterrupted) as caught:  # silent at first: retried; then cut after two words
            async for item in gateway.stream("hi", PRIMARY, fallback=[SECONDARY]):
                received.append(item)
        waited = time.monotonic() - started
    assert caught.value.partial_text == "".join(received) == "Hello from "
    assert outcomes(caught.value) == [("anthropic", "error", "Timeout")] * 2
    assert "stream stalled for" in caught.value.attempts[-1].message
    assert waited < 2.5 and fake.requests("p1") == []


async def test_stream_falls_back_before_the_first_token(fake, tmp_path):
    fake.fail("p2", *[Fault("status", 529)] * 3)
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        items = [item async for item in gateway.stream("hi", PRIMARY, fallback=[SECONDARY])]
    result = items[-1]
    assert isinstance(result, CallResult) and result.provider == "openai"
    assert "".join(items[:-1]) == result.text
    assert outcomes(result) == [("anthropic", "error", "Overloaded")] * 3 + [("openai", "ok", None)]


async def test_disabled_flag_returns_a_typed_result(fake, tmp_path, monkeypatch):
    from llmwright.config import load_config

    monkeypatch.setenv("LLMWRIGHT_ENABLED", "0")
    monkeypatch.chdir(tmp_path)
    async with Gateway(load_config()) as gateway:
        result = await gateway.complete("hi", SECONDARY)
    assert result.disabled and result.text == ""
    assert fake.requests() == []


async def test_named_route(fake, tmp_path):
    config = config_for(fake, tmp_path, routes={"main": {"chain": [PRIMARY, SECONDARY]}})
    fake.fail("p2", Fault("status", 401, message="nope"))
    async with Gateway(config) as gateway:
        with pytest.raises(Exception, match="anthropic: HTTP 401"):
            await gateway.complete("hi", route="main")
        result = await gateway.complete("hi", "main")
    assert result.route == "main" and result.provider == "anthropic"
