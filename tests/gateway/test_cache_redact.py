"""Response cache backends, redaction, and the usage ledger."""

from __future__ import annotations

import pytest

from llmwright.gateway import CallRequest, Gateway
from llmwright.gateway.cache import MemoryCache, SqliteCache
from llmwright.gateway.redact import Redactor
from llmwright.usage import summarise

from .conftest import config_for

REF = "openai:gpt-4o-mini"


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
async def test_cache_hit_is_free_and_says_so(fake, tmp_path, backend):
    cache = MemoryCache() if backend == "memory" else SqliteCache(tmp_path / "c.sqlite3")
    async with Gateway(config_for(fake, tmp_path), cache=cache) as gateway:
        first = await gateway.complete("hi", REF)
        second = await gateway.complete("hi", REF)
        other = await gateway.complete("hi there", REF)
        streamed = [item async for item in gateway.stream("hi", REF)]
    assert not first.cached and second.cached and not other.cached
    assert second.cost_usd == 0 and second.text == first.text and second.attempts == []
    assert streamed[-1].cached and streamed[0] == first.text
    assert len(fake.requests("p1")) == 2


async def test_cache_ttl_zero_skips_the_cache(fake, tmp_path):
    async with Gateway(config_for(fake, tmp_path), cache=MemoryCache()) as gateway:
        await gateway.complete(CallRequest.from_prompt("hi", cache_ttl_s=0), REF)
        result = await gateway.complete(CallRequest.from_prompt("hi", cache_ttl_s=0), REF)
    assert not result.cached and len(fake.requests("p1")) == 2


async def test_two_instances_share_answers_through_redis(fake, tmp_path, redis_url):
    config = config_for(fake, tmp_path, cache={"backend": "redis", "url": redis_url})
    async with Gateway(config) as one, Gateway(config) as two:
        first = await one.complete("shared question", REF)
        second = await two.complete("shared question", REF)
    assert not first.cached and second.cached and second.text == first.text
    assert len(fake.requests("p1")) == 1


def test_redactor_finds_pii_and_restores_it():
    text = (
        "Mail jane.doe@example.com or call +1 415-555-0100, card 4111 1111 1111 1111, "
        "IBAN GB82 WEST 1234 5698 7654 32, SSN 123-45-6789, from 192.168.1.20, key sk-abcdefghijklmnopqrstuvwx. "
        "Order 1234 5678 9012 3456 is not a card."
    )
    redactor = Redactor()
    out = redactor.redact(text)
    for secret in ("jane.doe@example.com", "4111 1111 1111 1111", "GB82 WEST", "123-45-6789", "192.168.1.20", "sk-abc"):
        assert secret not in out
    assert "1234 5678 9012 3456" in out  # fails the Luhn check
    assert redactor.restore(out) == text


async def test_reversible_redaction_never_sends_pii(fake, tmp_path):
    fake.answers["gpt-4o-mini"] = "I will write to <EMAIL_1> today."
    request = CallRequest.from_prompt("Email jane@example.com please", redact="reversible")
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        result = await gateway.complete(request, REF)
    assert "jane@example.com" not in str(fake.requests("p1")[0].body)
    assert result.text == "I will write to jane@example.com today."


async def test_ledger_and_usage_summary(fake, tmp_path):
    from tests.support.fake_provider import Fault

    fake.fail("p1", Fault("status", 400, message="bad"))
    async with Gateway(config_for(fake, tmp_path), cache=MemoryCache()) as gateway:
        with pytest.raises(Exception, match="HTTP 400"):
            await gateway.complete("a", REF)
        await gateway.complete("b", REF)
        await gateway.complete("b", REF)
    rows = (tmp_path / "usage.jsonl").read_text()
    assert '"a"' not in rows and '"b"' not in rows  # no prompt text
    summary = summarise(tmp_path / "usage.jsonl")
    assert (summary.calls, summary.errors, summary.cache_hits) == (3, 1, 1)
    assert summary.per_model[0].model == "openai:gpt-4o-mini" and summary.cost_usd > 0
    assert summary.latency_ms_p50 is not None
