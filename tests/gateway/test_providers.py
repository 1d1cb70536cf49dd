"""Each wire protocol through its real SDK against the loopback fake provider."""

from __future__ import annotations

import pytest

from llmwright.gateway import (
    AuthFailed,
    BadRequest,
    CallRequest,
    CallResult,
    ContextTooLong,
    Gateway,
    ProviderUnavailable,
    RateLimited,
)
from llmwright.gateway.providers import build_provider
from tests.support.fake_provider import Fault

from .conftest import config_for

REFS = ["openai:gpt-4o-mini", "anthropic:claude-sonnet-4-6", "ollama:llama3.2", "groq:qwen/qwen3-32b"]


@pytest.mark.parametrize("ref", REFS)
async def test_complete_and_stream(fake, tmp_path, ref):
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        result = await gateway.complete(CallRequest.from_prompt("Say hi", system="be brief", max_tokens=50), ref)
        assert result.text == "Hello from the fake provider."
        assert result.usage.input_tokens > 0 and result.usage.output_tokens == 5
        assert [a.outcome for a in result.attempts] == ["ok"]
        assert result.cost_usd is not None and result.cost_usd >= 0
        items = [item async for item in gateway.stream("Say hi", ref)]
    deltas, final = items[:-1], items[-1]
    assert "".join(deltas) == "Hello from the fake provider." and len(deltas) == 5
    assert isinstance(final, CallResult) and final.text == "".join(deltas) and final.usage.output_tokens == 5


async def test_anthropic_request_shape(fake, tmp_path):
    """System lifted out, max_tokens always sent, messages as content blocks."""
    request = CallRequest(messages=[{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}])
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        await gateway.complete(request, "anthropic:claude-sonnet-4-6")
    body = fake.requests("p2")[0].body
    assert body["system"] == "sys"
    assert body["max_tokens"] > 0
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault("status", 429, retry_after=7), RateLimited),
        (Fault("status", 400, message="This model's maximum context length is 10 tokens"), ContextTooLong),
        (Fault("status", 401, message="bad key"), AuthFailed),
        (Fault("status", 404, message="no such model"), BadRequest),
        (Fault("status", 500), ProviderUnavailable),
        (Fault("reset"), ProviderUnavailable),
        (Fault("malformed"), ProviderUnavailable),
    ],
)
@pytest.mark.parametrize(("provider", "prefix"), [("openai", "p1"), ("anthropic", "p2"), ("ollama", "p3")])
async def test_errors_map_to_one_hierarchy(fake, tmp_path, fault, error, provider, prefix):
    fake.fail(prefix, fault)
    built = build_provider(provider, config_for(fake, tmp_path))
    try:
        with pytest.raises(error) as caught:
            await built.complete("m", CallRequest.from_prompt("hi"), 5)
    finally:
        await built.aclose()
    if fault.retry_after:
        assert caught.value.retry_after == 7


async def test_ollama_health_check(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"vllm": {"kind": "ollama", "base_url": "http://127.0.0.1:9"}})
    up, down = build_provider("ollama", config), build_provider("vllm", config)
    assert await up.is_available() is True
    assert await down.is_available() is False
    await up.aclose()
    await down.aclose()


async def test_missing_key_skips_to_the_next_link(fake, tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        result = await gateway.complete("hi", "anthropic:claude-sonnet-4-6", fallback=["openai:gpt-4o-mini"])
    assert [(a.provider, a.outcome, a.error) for a in result.attempts] == [
        ("anthropic", "skipped", "NotConfigured"),
        ("openai", "ok", None),
    ]
    assert fake.requests("p2") == []
