"""The chain walk: which link is tried, which is skipped and why, who answered, and what the one
error says when no link could — for calls and streams alike, over the loopback fake."""

from __future__ import annotations

import asyncio
import time

import pytest

from llmwright.errors import InvalidInput
from llmwright.gateway import AllProvidersFailed, BudgetExceeded, CallRequest, CallResult, Gateway, Timeout
from llmwright.gateway.cache import MemoryCache
from llmwright.tokens import count_conversation, parse_conversation
from tests.support.fake_provider import FakeProvider, Fault

from .conftest import config_for

GPT, CLAUDE, QWEN = "openai:gpt-4o-mini", "anthropic:claude-sonnet-4-6", "groq:qwen/qwen3-32b"
LLAMA = "ollama:llama3"  # an 8,192-token window
UNKNOWN_WINDOW = "ollama:house-model"  # a local model the catalog does not know: no known window
TOO_LONG = Fault("status", 400, message="maximum context length exceeded")
ONE_TRY = {name: {"max_retries": 0} for name in ("openai", "anthropic", "ollama", "groq")}


def outcomes(result_or_error) -> list[tuple[str, str, str | None]]:
    return [(a.provider, a.outcome, a.error) for a in result_or_error.attempts]


async def streamed(gateway: Gateway, request: CallRequest | str, model: str, fallback: list[str]) -> CallResult:
    items = [item async for item in gateway.stream(request, model, fallback=fallback)]
    result = items[-1]
    assert isinstance(result, CallResult) and "".join(items[:-1]) == result.text
    return result


class ReadsRecorded(MemoryCache):
    """A memory cache that remembers which keys were read."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    async def get(self, key: str) -> str | None:
        self.reads.append(key)
        return await super().get(key)


class Hanging(MemoryCache):
    """A cache that takes 5 s to answer a read (a Redis on a congested link)."""

    async def get(self, key: str) -> str | None:
        await asyncio.sleep(5)
        return None


# -- which chain ---------------------------------------------------------------------------


async def test_a_call_walks_its_routes_chain_then_its_model_then_its_fallbacks(fake, tmp_path):
    config = config_for(fake, tmp_path, providers=ONE_TRY, routes={"main": {"chain": [CLAUDE]}})
    fake.fail("p2", Fault("status", 503))
    fake.fail("p1", Fault("status", 503))
    async with Gateway(config) as gateway:
        result = await gateway.complete("hi", GPT, route="main", fallback=[QWEN])
        by_name = await gateway.complete("hi", "main")  # a route's name where a model goes
    assert outcomes(result) == [
        ("anthropic", "error", "Overloaded"),
        ("openai", "error", "Overloaded"),
        ("groq", "ok", None),
    ]
    assert (result.provider, result.model, result.link, result.route) == ("groq", "qwen/qwen3-32b", 2, "main")
    assert (by_name.provider, by_name.link, by_name.route) == ("anthropic", 0, "main")


async def test_an_unknown_route_or_no_model_is_refused_saying_what_to_give(fake, tmp_path):
    async with Gateway(config_for(fake, tmp_path, routes={"main": {"chain": [GPT]}})) as gateway:
        with pytest.raises(InvalidInput, match=r"^unknown route 'mian' \(routes: main\)$"):
            await gateway.complete("hi", route="mian")
        with pytest.raises(InvalidInput, match=r"^give a model \(provider:model\) or a route$"):
            await gateway.complete("hi")
        with pytest.raises(InvalidInput, match=r"^model reference 'gpt-4o-mini' must look like provider:model"):
            await gateway.complete("hi", "gpt-4o-mini")  # no colon, and no route of that name
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        with pytest.raises(InvalidInput, match=r"^unknown route 'main' \(routes: none configured\)$"):
            await gateway.complete("hi", route="main")
    assert fake.requests() == []


# -- the cache's time-to-live --------------------------------------------------------------


async def test_the_requests_then_the_routes_then_the_configured_ttl_decide_what_is_cached(fake, tmp_path):
    routes = {"fresh": {"chain": [GPT], "cache_ttl_s": 0}, "brief": {"chain": [GPT], "cache_ttl_s": 1}}
    config = config_for(fake, tmp_path, routes=routes, cache={"ttl_s": 0})
    cache = ReadsRecorded()
    async with Gateway(config, cache=cache) as gateway:

        async def twice(request: CallRequest, **where: str) -> list[bool]:
            return [(await gateway.complete(request.model_copy(), **where)).cached for _ in range(2)]

        assert await twice(CallRequest.from_prompt("a"), model=GPT) == [False, False]  # configured ttl_s = 0
        assert await twice(CallRequest.from_prompt("b"), route="fresh") == [False, False]  # the route's 0
        assert await twice(CallRequest.from_prompt("c"), route="brief") == [False, True]  # the route's 1 s
        assert await twice(CallRequest.from_prompt("d", cache_ttl_s=1), route="fresh") == [False, True]
        assert await twice(CallRequest.from_prompt("e", cache_ttl_s=0), route="brief") == [False, False]
    assert len(fake.requests("p1")) == 8
    assert len(cache.reads) == 4  # a call whose ttl is 0 never reads the cache (c and d read it twice each)


async def test_a_cache_read_is_cut_short_by_the_calls_deadline_not_only_the_caches_timeout(fake, tmp_path):
    async with Gateway(config_for(fake, tmp_path), cache=Hanging()) as gateway:
        await gateway.targets([GPT])
        assert gateway.cache is not None
        gateway.cache.timeout_s = 30.0  # a cache allowed long reads: the call's 0.3 s deadline still rules
        started = time.monotonic()
        with pytest.raises(Timeout):
            await gateway.complete(CallRequest.from_prompt("hi", deadline_s=0.3), GPT)
        waited = time.monotonic() - started
    assert waited < 2.5  # about 0.3 s; it was the 5 s the cache took
    assert fake.requests() == []


# -- windows after a context-length error ----------------------------------------------------


async def test_after_a_context_length_error_links_whose_window_is_too_small_are_skipped_saying_why(fake, tmp_path):
    fake.fail("p1", TOO_LONG, TOO_LONG)
    request = CallRequest.from_prompt("Summarise the attached report in three lines.", max_tokens=8190)
    async with Gateway(config_for(fake, tmp_path, providers=ONE_TRY)) as gateway:
        result = await gateway.complete(request, GPT, fallback=[LLAMA, CLAUDE])
        prompt = count_conversation(parse_conversation(request.messages), gateway.target(GPT).info).tokens
        fits = await gateway.complete(request.model_copy(update={"max_tokens": 8192 - prompt}), GPT, fallback=[LLAMA])
    assert outcomes(result) == [
        ("openai", "error", "ContextTooLong"),
        ("ollama", "skipped", "ContextTooLong"),
        ("anthropic", "ok", None),
    ]
    assert result.attempts[1].message == f"needs ~{prompt + 8190} tokens, window is 8192"  # prompt + max_tokens
    assert (result.provider, result.link) == ("anthropic", 2)
    assert outcomes(fits) == [("openai", "error", "ContextTooLong"), ("ollama", "ok", None)]  # exactly the window
    assert len(fake.requests("p3")) == 1


async def test_without_max_tokens_a_prompt_that_fills_a_window_fits_it_and_one_token_more_does_not(fake, tmp_path):
    fake.fail("p1", TOO_LONG)
    async with Gateway(config_for(fake, tmp_path, providers=ONE_TRY)) as gateway:
        info = (await gateway.targets([GPT]))[0].info

        def tokens(words: int) -> int:
            return count_conversation(parse_conversation([{"role": "user", "content": "word " * words}]), info).tokens

        words = 8192 - (tokens(8000) - 8000)
        assert (tokens(words), tokens(words + 1)) == (8192, 8193)
        fits = await gateway.complete("word " * words, GPT, fallback=[LLAMA, CLAUDE])
        fake.fail("p1", TOO_LONG)
        over = await gateway.complete("word " * (words + 1), GPT, fallback=[LLAMA, CLAUDE])
    assert outcomes(fits) == [("openai", "error", "ContextTooLong"), ("ollama", "ok", None)]
    assert outcomes(over) == [
        ("openai", "error", "ContextTooLong"),
        ("ollama", "skipped", "ContextTooLong"),
        ("anthropic", "ok", None),
    ]
    assert over.attempts[1].message == "needs ~8193 tokens, window is 8192"


async def test_the_window_needed_is_remembered_past_a_later_outage_and_unknown_windows_are_tried(fake, tmp_path):
    fake.fail("p1", TOO_LONG)
    fake.fail("p2", Fault("status", 503))
    fake.fail("p3", Fault("status", 503))
    request = CallRequest.from_prompt("Summarise the attached report.", max_tokens=8190)
    async with Gateway(config_for(fake, tmp_path, providers=ONE_TRY)) as gateway:
        result = await gateway.complete(request, GPT, fallback=[CLAUDE, UNKNOWN_WINDOW, LLAMA, QWEN])
    assert outcomes(result) == [
        ("openai", "error", "ContextTooLong"),
        ("anthropic", "error", "Overloaded"),
        ("ollama", "error", "Overloaded"),  # no known window: it may fit, so it is tried
        ("ollama", "skipped", "ContextTooLong"),  # still too small after two other failures
        ("groq", "ok", None),
    ]
    assert [r.body["model"] for r in fake.requests("p3")] == ["house-model"]


async def test_a_stream_skips_links_whose_window_is_too_small(fake, tmp_path):
    fake.fail("p1", TOO_LONG)
    request = CallRequest.from_prompt("Summarise the attached report.", max_tokens=8190)
    async with Gateway(config_for(fake, tmp_path, providers=ONE_TRY)) as gateway:
        result = await streamed(gateway, request, GPT, [LLAMA, CLAUDE])
    assert outcomes(result) == [
        ("openai", "error", "ContextTooLong"),
        ("ollama", "skipped", "ContextTooLong"),
        ("anthropic", "ok", None),
    ]
    assert (result.provider, result.link) == ("anthropic", 2) and fake.requests("p3") == []


# -- budgets and the final error -----------------------------------------------------------


async def test_a_link_over_its_budget_is_skipped_and_the_next_one_answers(fake, tmp_path):
    providers = {"openai": {"daily_tokens": 10}}
    request = CallRequest.from_prompt("hi", max_tokens=100)
    async with Gateway(config_for(fake, tmp_path, providers=providers)) as gateway:
        result = await gateway.complete(request, GPT, fallback=[QWEN])
        stream = await streamed(gateway, request.model_copy(), GPT, [QWEN])
    for answered in (result, stream):
        assert outcomes(answered) == [("openai", "skipped", "BudgetExceeded"), ("groq", "ok", None)]
        assert (answered.provider, answered.link) == ("groq", 1)
    assert fake.requests("p1") == []


async def test_when_every_link_is_over_its_budget_the_error_is_the_first_links_cap_with_every_attempt(fake, tmp_path):
    providers = {"openai": {"daily_tokens": 10}, "groq": {"daily_tokens": 20}}
    request = CallRequest.from_prompt("hi", max_tokens=100)
    async with Gateway(config_for(fake, tmp_path, providers=providers)) as gateway:
        with pytest.raises(BudgetExceeded, match=r"^budget provider:openai daily_tokens") as called:
            await gateway.complete(request, GPT, fallback=[QWEN])
        with pytest.raises(BudgetExceeded, match=r"^budget provider:openai daily_tokens") as stream:
            await streamed(gateway, request.model_copy(), GPT, [QWEN])
    for caught in (called, stream):
        assert outcomes(caught.value) == [
            ("openai", "skipped", "BudgetExceeded"),
            ("groq", "skipped", "BudgetExceeded"),
        ]
    assert fake.requests() == []


async def test_a_budget_refusal_and_an_outage_fail_as_every_provider_failed_naming_both(fake, tmp_path):
    providers = {"openai": {"daily_tokens": 10}, "groq": {"max_retries": 0}}
    fake.fail("p4", Fault("status", 503), Fault("status", 503))
    request = CallRequest.from_prompt("hi", max_tokens=100)
    async with Gateway(config_for(fake, tmp_path, providers=providers)) as gateway:
        with pytest.raises(AllProvidersFailed) as called:
            await gateway.complete(request, GPT, fallback=[QWEN])
        with pytest.raises(AllProvidersFailed) as stream:
            await streamed(gateway, request.model_copy(), GPT, [QWEN])
    for caught in (called, stream):
        assert outcomes(caught.value) == [("openai", "skipped", "BudgetExceeded"), ("groq", "error", "Overloaded")]
        message = str(caught.value)
        assert message.startswith("every provider failed (2 attempts: openai:gpt-4o-mini skipped BudgetExceeded")
        assert "groq:qwen/qwen3-32b error Overloaded" in message


# -- what the result says --------------------------------------------------------------------


async def test_a_fallback_result_adds_up_what_every_attempt_cost_and_the_time_they_took(tmp_path):
    with FakeProvider(latency=0.05) as slow:
        slow.fail("p2", Fault("status", 503))  # refused: costs nothing
        slow.fail("p1", Fault("truncated"))  # a 200 without its answer: billed at an estimate
        async with Gateway(config_for(slow, tmp_path, providers=ONE_TRY)) as gateway:
            result = await gateway.complete("hi", CLAUDE, fallback=[GPT, QWEN])
            stream = await streamed(gateway, "hi", CLAUDE, [QWEN])
            more = [await gateway.complete(f"question {i}", QWEN) for i in range(6)]
    refused, cut, answered = result.attempts
    assert (refused.outcome, cut.outcome, answered.outcome) == ("error", "error", "ok")
    assert refused.cost_usd is None and cut.cost_usd and cut.cost_usd > 0 and answered.cost_usd
    assert result.cost_usd == pytest.approx(cut.cost_usd + answered.cost_usd, rel=1e-9)
    assert stream.cost_usd == pytest.approx(stream.attempts[-1].cost_usd, rel=1e-9)
    for answer in (result, stream, *more):
        assert sum(a.latency_ms or 0 for a in answer.attempts) <= answer.latency_ms < 60_000
        assert round(answer.latency_ms, 1) == answer.latency_ms
    assert any(r.latency_ms != int(r.latency_ms) for r in more)  # tenths of a millisecond, not whole ones


async def test_an_answer_without_usage_reports_the_estimated_prompt_tokens(fake, tmp_path):
    fake.fail("p1", Fault("no_usage"))
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        result = await gateway.complete("How many tokens is this question?", GPT)
    (attempt,) = result.attempts
    assert attempt.estimated and attempt.input_tokens > 0
    assert (result.usage.input_tokens, result.usage.output_tokens) == (attempt.input_tokens, attempt.output_tokens)


async def test_only_the_last_link_waits_out_a_retry_after_longer_than_its_share_of_the_deadline(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"openai": {"max_retries": 1}}, gateway={"max_wait_share": 0.1})
    request = CallRequest.from_prompt("hi", deadline_s=3)  # a link before the last may wait 0.3 s of it
    told = Fault("status", 429, retry_after=0.4)
    async with Gateway(config) as gateway:
        await gateway.targets([GPT, QWEN])
        fake.fail("p1", told)
        moved_on = await gateway.complete(request.model_copy(), GPT, fallback=[QWEN])
        fake.fail("p1", told)
        waited = await gateway.complete(request.model_copy(), GPT)
        fake.fail("p1", told)
        stream_moved_on = await streamed(gateway, request.model_copy(), GPT, [QWEN])
        fake.fail("p1", told)
        stream_waited = await streamed(gateway, request.model_copy(), GPT, [])
    for result in (moved_on, stream_moved_on):
        assert outcomes(result) == [("openai", "error", "RateLimited"), ("groq", "ok", None)]
    for result in (waited, stream_waited):
        assert outcomes(result) == [("openai", "error", "RateLimited"), ("openai", "ok", None)]
