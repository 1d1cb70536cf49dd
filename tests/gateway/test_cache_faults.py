"""Failure 2: a cache fault never fails, freezes or loses a call; sqlite stays O(log n); identical calls share one.

Each test talks to the loopback fake through a real cache backend and breaks the backend the
way production does: a lock held by another process, a corrupt file, an unreadable entry,
Redis not listening.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3

from llmwright.gateway import AllProvidersFailed, CallRequest, CallResult, Gateway
from llmwright.gateway.cache import MemoryCache, SqliteCache, cache_key
from tests.support.fake_provider import DEFAULT_ANSWER, FakeProvider, Fault
from tests.support.loop import LoopWatch
from tests.support.redis_server import free_port

from .conftest import config_for

REF = "openai:gpt-4o-mini"


def call_rows(tmp_path) -> list[dict]:
    rows = [json.loads(line) for line in (tmp_path / "usage.jsonl").read_text().splitlines()]
    return [row for row in rows if row["kind"] == "call"]


async def test_a_locked_sqlite_cache_is_bypassed_without_blocking_the_loop(fake, tmp_path, caplog):
    path = tmp_path / "cache.sqlite3"
    warm = SqliteCache(path)
    await warm.set("warm-up", "{}", 60)  # the file and table exist, as after earlier runs
    await warm.aclose()
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing for a long time
    try:
        with caplog.at_level(logging.WARNING, logger="llmwright.gateway"):
            async with Gateway(config_for(fake, tmp_path), cache=SqliteCache(path)) as gateway, LoopWatch() as watch:
                first = await gateway.complete("hi", REF)
                second = await gateway.complete("hi", REF)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert first.text == second.text == DEFAULT_ANSWER  # bypassed, not broken
    assert watch.longest < 1.0  # the 5 s busy wait happens nowhere near the loop (it was 5 s of freeze)
    assert [row["outcome"] for row in call_rows(tmp_path)] == ["ok", "ok"]  # both answers reached the ledger
    assert any("response cache" in r.getMessage() and "bypassed" in r.getMessage() for r in caplog.records)


async def test_a_corrupt_sqlite_file_and_an_unreadable_entry_are_bypassed(fake, tmp_path, caplog):
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database file, it was truncated by a full disk" * 100)
    with caplog.at_level(logging.WARNING, logger="llmwright.gateway"):
        async with Gateway(config_for(fake, tmp_path), cache=SqliteCache(path)) as gateway:
            results = [await gateway.complete(prompt, REF) for prompt in ("hi", "there")]
    assert [r.text for r in results] == [DEFAULT_ANSWER] * 2 and len(fake.requests("p1")) == 2
    assert any("response cache" in r.getMessage() for r in caplog.records)

    memory = MemoryCache()
    async with Gateway(config_for(fake, tmp_path), cache=memory) as gateway:
        request = CallRequest.from_prompt("entry")
        await memory.set(cache_key([REF], request), '{"text": "half a JSON', 60)
        bad = await gateway.complete(request, REF)
        good = await gateway.complete(request, REF)
    assert bad.text == DEFAULT_ANSWER and not bad.cached and good.cached  # replaced by a readable entry


async def test_redis_down_is_a_cache_fault_not_a_failed_call(fake, tmp_path, caplog):
    config = config_for(fake, tmp_path, cache={"backend": "redis", "url": f"redis://127.0.0.1:{free_port()}/0"})
    with caplog.at_level(logging.WARNING, logger="llmwright.gateway"):
        async with Gateway(config) as gateway:
            results = [await gateway.complete("hi", REF) for _ in range(3)]
    assert [r.text for r in results] == [DEFAULT_ANSWER] * 3
    assert len([r for r in caplog.records if "response cache" in r.getMessage()]) == 1  # logged once, not per call


async def test_sqlite_writes_use_the_expiry_index_and_evict_in_batches(tmp_path):
    cache = SqliteCache(tmp_path / "c.sqlite3")
    await cache.set("k", "v", 60)
    db = sqlite3.connect(tmp_path / "c.sqlite3")
    plan = db.execute(
        "EXPLAIN QUERY PLAN DELETE FROM responses WHERE rowid IN "
        "(SELECT rowid FROM responses WHERE expires < 1 LIMIT 1000)"
    ).fetchall()
    assert any("responses_expires" in str(row) for row in plan)  # O(log n), not a table scan
    lookup = db.execute("EXPLAIN QUERY PLAN SELECT expires, value FROM responses WHERE key = 'k'").fetchall()
    assert any("INDEX" in str(row) for row in lookup)
    db.executemany("INSERT INTO responses VALUES (?, ?, ?)", [(f"old{i}", 1.0, "x") for i in range(2500)])
    db.commit()
    db.close()
    assert [await cache.evict() for _ in range(4)] == [1000, 1000, 500, 0]
    for i in range(SqliteCache.EVICT_EVERY - 1):  # the 256th write (one was made above) evicts a batch
        await cache.set(f"new{i}", "v", -1)  # already expired
    assert await cache.evict() == 0
    await cache.aclose()


async def test_fifty_identical_concurrent_calls_share_one_provider_call(tmp_path):
    with FakeProvider(latency=0.3) as fake:
        async with Gateway(config_for(fake, tmp_path), cache=MemoryCache()) as gateway:
            plain = await asyncio.gather(*(gateway.complete("same question", REF) for _ in range(50)))

            async def streamed() -> list:
                return [item async for item in gateway.stream("another question", REF)]

            streams = await asyncio.gather(*(streamed() for _ in range(20)))
        assert len(fake.requests("p1")) == 2
    assert all(r.text == DEFAULT_ANSWER for r in plain) and sum(not r.cached for r in plain) == 1
    assert all("".join(s[:-1]) == s[-1].text == DEFAULT_ANSWER for s in streams)
    assert sum(not s[-1].cached for s in streams) == 1
    rows = call_rows(tmp_path)
    assert len(rows) == 70 and sum(row["cached"] for row in rows) == 68  # every call has its row
    assert sum(row["cost_usd"] for row in rows if row["cached"]) == 0


async def test_followers_run_on_their_own_when_the_leader_fails_or_is_cancelled(tmp_path):
    with FakeProvider(latency=0.3) as fake:
        config = config_for(fake, tmp_path, providers={"openai": {"max_retries": 0}})
        fake.fail("p1", Fault("status", 500))
        async with Gateway(config, cache=MemoryCache()) as gateway:
            outcomes = await asyncio.gather(*(gateway.complete("q", REF) for _ in range(10)), return_exceptions=True)
            assert len(fake.requests("p1")) == 2  # the leader's failure, then one new leader for the rest
            leader = asyncio.create_task(gateway.complete("r", REF))
            await asyncio.sleep(0.05)
            followers = [asyncio.create_task(gateway.complete("r", REF)) for _ in range(5)]
            await asyncio.sleep(0.05)
            leader.cancel()
            answered = await asyncio.gather(*followers)
    assert sum(isinstance(o, AllProvidersFailed) for o in outcomes) == 1  # only the leader saw the 500
    assert sum(isinstance(o, CallResult) for o in outcomes) == 9
    assert all(r.text == DEFAULT_ANSWER for r in answered)
    assert len(fake.requests("p1")) == 4  # the cancelled leader's request and one follower's
