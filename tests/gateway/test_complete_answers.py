"""Failure 1: a 200 that is not a whole answer is never a success, never cached, and falls back.

Each wire's terminal event (`finish_reason`, `message_stop`, `done`) or, for a plain call, a
body with a choice and some text, is what makes an answer; the fake provider sends 200s
without them.
"""

from __future__ import annotations

import json

import pytest

from llmwright.gateway import (
    CallRequest,
    CallResult,
    Gateway,
    IncompleteResponse,
    ProviderUnavailable,
    StreamInterrupted,
)
from llmwright.gateway.cache import MemoryCache
from tests.support.fake_provider import DEFAULT_ANSWER, Fault

from .conftest import config_for

WIRES = [("openai:gpt-4o-mini", "p1"), ("anthropic:claude-sonnet-4-6", "p2"), ("ollama:llama3.2", "p3")]
FALLBACK = "groq:qwen/qwen3-32b"  # /p4 on the fake server


def outcomes(value) -> list[tuple[str, str, str | None]]:
    return [(a.provider, a.outcome, a.error) for a in value.attempts]


def ledger_rows(tmp_path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "usage.jsonl").read_text().splitlines()]


@pytest.mark.parametrize(("ref", "prefix"), WIRES)
@pytest.mark.parametrize(
    ("fault", "streamed"),
    [
        (Fault("truncated", after_chunks=0), True),  # an empty stream: no delta, no terminal event
        (Fault("malformed"), True),  # a 200 whose body is not SSE / NDJSON at all
        (Fault("bad_event", after_chunks=0), True),  # the first event is not JSON
        (Fault("truncated"), False),  # a 200 with no choice / content block / done
        (Fault("malformed"), False),  # a 200 that is not JSON
    ],
    ids=["empty-stream", "non-sse-stream", "bad-first-event", "no-choice", "not-json"],
)
async def test_an_incomplete_200_before_any_text_falls_back_and_is_not_cached(
    fake, tmp_path, ref, prefix, fault, streamed
):
    fake.fail(prefix, fault)
    config = config_for(fake, tmp_path, providers={ref.split(":")[0]: {"max_retries": 0}})
    cache = MemoryCache()
    async with Gateway(config, cache=cache) as gateway:
        if streamed:
            items = [item async for item in gateway.stream("hi", ref, fallback=[FALLBACK])]
            result = items[-1]
            assert "".join(items[:-1]) == result.text
        else:
            result = await gateway.complete("hi", ref, fallback=[FALLBACK])
        again = await gateway.complete("hi", ref, fallback=[FALLBACK])
        stored = [json.loads(value) for _, value in cache._entries.values()]
    assert isinstance(result, CallResult) and result.text == DEFAULT_ANSWER and result.provider == "groq"
    assert outcomes(result) == [(result.attempts[0].provider, "error", "IncompleteResponse"), ("groq", "ok", None)]
    assert again.cached and again.text == DEFAULT_ANSWER  # what was cached is the whole answer
    assert [s["text"] for s in stored] == [DEFAULT_ANSWER]
    assert len(fake.requests(prefix)) == 1 and len(fake.requests("p4")) == 1


@pytest.mark.parametrize(("ref", "prefix"), WIRES)
async def test_an_incomplete_200_is_retried_on_the_same_provider(fake, tmp_path, ref, prefix):
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        fake.fail(prefix, Fault("truncated"))
        plain = await gateway.complete(CallRequest.from_prompt("a", cache_ttl_s=0), ref)
        fake.fail(prefix, Fault("truncated", after_chunks=0))
        streamed = [item async for item in gateway.stream(CallRequest.from_prompt("b", cache_ttl_s=0), ref)]
    assert plain.text == streamed[-1].text == DEFAULT_ANSWER
    assert [a.outcome for a in plain.attempts] == ["error", "ok"]
    assert [a.outcome for a in streamed[-1].attempts] == ["error", "ok"]


@pytest.mark.parametrize(("ref", "prefix"), WIRES)
@pytest.mark.parametrize("kind", ["truncated", "bad_event", "cut"])
async def test_a_stream_cut_after_some_text_is_stream_interrupted_never_a_success(fake, tmp_path, ref, prefix, kind):
    """A stream that stops (cleanly or not) after text reached the caller: the partial text, no fallback."""
    fake.fail(prefix, Fault(kind, after_chunks=2))
    received: list[str] = []
    cache = MemoryCache()
    async with Gateway(config_for(fake, tmp_path), cache=cache) as gateway:
        with pytest.raises(StreamInterrupted) as caught:
            async for item in gateway.stream("hi", ref, fallback=[FALLBACK]):
                received.append(item)
        assert cache._entries == {}
    assert caught.value.partial_text == "".join(received) == "Hello from "
    # a clean end or a bad event is an incomplete answer; a TCP reset is a failed connection
    assert isinstance(caught.value.cause, ProviderUnavailable if kind == "cut" else IncompleteResponse)
    assert len(fake.requests(prefix)) == 1 and fake.requests("p4") == []
    call = [row for row in ledger_rows(tmp_path) if row["kind"] == "call"]
    assert [(row["outcome"], row["error"]) for row in call] == [("error", "StreamInterrupted")]


async def test_an_answer_with_no_text_and_no_tool_call_is_not_a_success(fake, tmp_path):
    """A finished answer can still be empty (a 200 with `content: ""`): it is retried, then falls back."""
    fake.answers["gpt-4o-mini"] = ""
    config = config_for(fake, tmp_path, providers={"openai": {"max_retries": 1}})
    async with Gateway(config) as gateway:
        result = await gateway.complete("hi", "openai:gpt-4o-mini", fallback=[FALLBACK])
    assert result.provider == "groq" and result.text == DEFAULT_ANSWER
    assert outcomes(result) == [("openai", "error", "IncompleteResponse")] * 2 + [("groq", "ok", None)]
