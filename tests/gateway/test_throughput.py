"""Failure 9: hundreds of calls in flight cost the client no more per call than a few.

A plain call costs the client CPU in the SDK's connection pool (httpcore), whose bookkeeping
per request grows with the requests in flight and the connections it opens and closes. The
gateway keeps both at the provider's `max_concurrency` (200 by default): the rest queue in an
O(1) semaphore, and every connection used is kept alive, so none is torn down and reopened.
Throughput itself is measured by bench/gateway.py, not asserted here; this checks the shape of
the traffic that makes it.
"""

from __future__ import annotations

import asyncio

import pytest

from llmwright.gateway import CallRequest, Gateway
from tests.support.fake_provider import DEFAULT_ANSWER, FakeProvider

from .conftest import config_for

REF = "openai:gpt-4o-mini"


@pytest.mark.slow
async def test_a_thousand_calls_in_flight_reach_the_provider_through_a_bounded_kept_alive_pool(tmp_path):
    fake = FakeProvider(latency=0.2).start_process()
    try:
        config = config_for(fake, tmp_path, providers={"openai": {"max_concurrency": 100}})
        async with Gateway(config) as gateway:
            await gateway.targets([REF])
            requests = [CallRequest.from_prompt(f"call {i}", deadline_s=120) for i in range(1000)]
            results = await asyncio.gather(*(gateway.complete(r, REF) for r in requests))
        stats = fake.stats()
    finally:
        fake.stop()
    assert [r.text for r in results] == [DEFAULT_ANSWER] * 1000
    assert stats["requests"]["p1"] == 1000
    assert stats["most_in_flight"] <= 100  # the other 900 waited in the bulkhead, not in the pool
    assert stats["connections"] <= 100 + 1  # each kept alive and reused (+1: this test's /_stats)
