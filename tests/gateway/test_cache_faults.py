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
import time

import pytest

from llmwright.gateway import AllProvidersFailed, CallRequest, CallResult, Gateway, Timeout
from llmwright.gateway.cache import MemoryCache, SafeCache, SqliteCache, cache_key
from tests.support.fake_provider import DEFAULT_ANSWER, FakeProvider, Fault
from tests.support.loop import LoopWatch
from tests.support.ports import free_port

from .conftest import CANARY, config_for

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


class SlowCache:
    """A backend that answers after `delay` seconds (a Redis on a congested link), or fails."""

    def __init__(self, delay: float = 0.0, error: Exception | None = None) -> None:
        self.delay, self.error = delay, error
        self.entries: dict[str, str] = {}
        self.closed = False

    async def get(self, key: str) -> str | None:
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.entries.get(key)

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        self.entries[key] = value

    async def aclose(self) -> None:
        self.closed = True
        if self.error is not None:
            raise self.error


async def test_a_slow_cache_is_waited_for_at_most_its_timeout_and_the_callers_deadline(caplog):
    from llmwright.gateway.cache import SafeCache

    slow = SlowCache(delay=0.3)
    slow.entries["k"] = "answer"
    cache = SafeCache(slow, timeout_s=1.0)
    assert await cache.get("k") == "answer"  # within its timeout
    assert await cache.get("k", within=5.0) == "answer"
    assert await cache.get("k", within=0.1) is None  # the call's deadline is nearer than the cache's answer
    assert await cache.get("k", within=-1.0) is None  # no time left at all
    assert await SafeCache(slow, timeout_s=0.1).get("k", within=5.0) is None  # the cache's own timeout
    assert cache.faults == 2
    slower = SlowCache(delay=1.2)
    slower.entries["k"] = "answer"
    assert await SafeCache(slower).get("k") is None  # the gateway's default: a cache gets one second
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="llmwright.gateway"):
        broken = SafeCache(SlowCache(error=ConnectionError(f"refused, key {CANARY}" + "." * 300)), timeout_s=1.0)
        await broken.set("k", "v", 60)  # a failed write is a fault too, never an error for the caller
        assert await broken.get("k") is None
        await broken.aclose()
        timed_out = SafeCache(SlowCache(delay=1.0), timeout_s=0.05)
        assert await timed_out.get("k") is None
    logged = [r.getMessage() for r in caplog.records]
    assert broken.faults == 3 and len(logged) == 2  # a dead backend logs once a minute, not per call
    detail = ("refused, key ***" + "." * 300)[:200]  # cut to 200 characters
    assert logged[0] == (
        f"response cache write failed (ConnectionError: {detail}); bypassed, the call goes on (1 cache faults so far)"
    )
    assert "read failed (TimeoutError: timed out)" in logged[1] and CANARY not in " ".join(logged)


async def test_an_answer_is_returned_before_its_cache_write_and_closing_finishes_the_write():
    from llmwright.gateway.cache import SafeCache

    slow = SlowCache(delay=0.2)
    cache = SafeCache(slow, timeout_s=1.0)
    cache.store_later("k", "answer", 60)
    assert slow.entries == {}  # not written yet: the caller did not wait
    await cache.aclose()
    assert slow.entries == {"k": "answer"} and slow.closed


async def test_memory_and_sqlite_entries_expire_and_the_memory_cache_keeps_the_most_recent(tmp_path):
    memory, sqlite = MemoryCache(max_entries=2), SqliteCache(tmp_path / "c.sqlite3")
    for backend in (memory, sqlite):
        await backend.set("fresh", "a", 60)
        await backend.set("stale", "b", -1)  # its time-to-live has passed
        assert (await backend.get("fresh"), await backend.get("stale"), await backend.get("never")) == ("a", None, None)
    await memory.set("one", "1", 60)
    await memory.get("fresh")  # read: now the most recently used
    await memory.set("two", "2", 60)  # a third live entry: the least recently used goes
    assert [await memory.get(k) for k in ("fresh", "one", "two")] == ["a", None, "2"]
    await sqlite.aclose()
    await memory.aclose()
    assert await memory.get("fresh") is None


def test_the_cache_key_covers_the_chain_and_the_request_and_nothing_else():
    base = CallRequest.from_prompt("hi", max_tokens=10)
    key = cache_key([REF], base)
    assert key.startswith("llmwright:") and len(key) == len("llmwright:") + 64
    assert cache_key([REF], CallRequest.from_prompt("hi", max_tokens=10)) == key  # deterministic
    assert cache_key([REF, "anthropic:claude-sonnet-4-6"], base) != key
    assert cache_key([REF], CallRequest.from_prompt("hi", max_tokens=11)) != key
    assert cache_key([REF], CallRequest.from_prompt("hi!", max_tokens=10)) != key
    reordered = CallRequest(messages=[{"content": "hi", "role": "user"}], max_tokens=10)
    assert cache_key([REF], reordered) == key  # the same message, its keys written in another order
    assert cache_key([REF], CallRequest.from_prompt("hi", max_tokens=10, deadline_s=3, cache_ttl_s=5)) == key


async def test_a_memory_cache_holds_ten_thousand_entries_and_sqlite_evicts_every_256th_write(tmp_path):
    memory = MemoryCache()
    for i in range(10_001):
        await memory.set(f"k{i}", "v", 60)
    assert await memory.get("k0") is None and await memory.get("k1") == "v"  # the oldest made room
    cache = SqliteCache(tmp_path / "c.sqlite3")
    for i in range(255):
        await cache.set(f"old{i}", "v", -1)  # expired as soon as written

    def rows() -> int:
        db = sqlite3.connect(tmp_path / "c.sqlite3")
        try:
            return db.execute("SELECT count(*) FROM responses").fetchone()[0]
        finally:
            db.close()

    assert rows() == 255  # no write so far paid for an eviction
    await cache.set("fresh", "v", 60)  # the 256th write evicts the expired rows
    assert rows() == 1
    await cache.aclose()
    assert not (tmp_path / "c.sqlite3-wal").exists()  # closed: sqlite folded its write-ahead log back


async def test_the_default_sqlite_cache_lives_in_the_users_cache_dir(tmp_path, monkeypatch):
    from llmwright.config import CacheConfig
    from llmwright.gateway.cache import build_cache

    monkeypatch.setenv("LLMWRIGHT_CACHE_DIR", str(tmp_path / "not" / "made" / "yet"))
    cache = build_cache(CacheConfig(backend="sqlite"))
    await cache.set("k", "v", 60)
    assert await cache.get("k") == "v"
    await cache.aclose()
    assert (tmp_path / "not" / "made" / "yet" / "responses.sqlite3").is_file()


class SlowWrites(MemoryCache):
    """A backend whose writes take `delay` seconds to land (reads are instant)."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        await asyncio.sleep(self.delay)
        await super().set(key, value, ttl_s)


async def test_an_identical_call_made_while_the_answer_is_still_being_written_gets_that_answer(fake, tmp_path):
    async with Gateway(config_for(fake, tmp_path), cache=SlowWrites(0.5)) as gateway:
        first = await gateway.complete("same question", REF)  # returns before its cache write lands
        second = await gateway.complete("same question", REF)
        await asyncio.sleep(0.6)
        third = await gateway.complete("same question", REF)  # from the cache now
    assert not first.cached and second.cached and third.cached
    assert second.text == third.text == first.text and len(fake.requests("p1")) == 1


async def test_a_follower_waits_for_the_leader_only_within_its_own_deadline(tmp_path):
    with FakeProvider(latency=1.0) as fake:
        async with Gateway(config_for(fake, tmp_path), cache=MemoryCache()) as gateway:
            await gateway.targets([REF])
            leader = asyncio.create_task(gateway.complete("slow question", REF))
            await asyncio.sleep(0.1)
            with pytest.raises(Timeout, match="waiting for an identical call in flight"):
                await gateway.complete(CallRequest.from_prompt("slow question", deadline_s=0.3), REF)
            answered = await leader
    assert answered.text == DEFAULT_ANSWER and len(fake.requests("p1")) == 1
    assert [(row["outcome"], row.get("error")) for row in call_rows(tmp_path)] == [("error", "Timeout"), ("ok", None)]


async def test_a_follower_with_less_than_a_second_left_still_gets_the_leaders_answer(tmp_path):
    with FakeProvider(latency=0.3) as fake:
        async with Gateway(config_for(fake, tmp_path), cache=MemoryCache()) as gateway:
            await gateway.targets([REF])
            leader = asyncio.create_task(gateway.complete("quick question", REF))
            await asyncio.sleep(0.05)
            follower = await gateway.complete(CallRequest.from_prompt("quick question", deadline_s=0.9), REF)
            alone = await gateway.complete(CallRequest.from_prompt("another question", deadline_s=0.9), REF)
            answered = await leader
    assert follower.cached and follower.text == answered.text == alone.text == DEFAULT_ANSWER
    assert len(fake.requests("p1")) == 2 and not alone.cached


async def test_a_deadline_spent_on_a_slow_cache_read_is_a_timeout_and_sends_nothing(tmp_path):
    with FakeProvider() as fake:
        async with Gateway(config_for(fake, tmp_path), cache=SlowCache(delay=2.0)) as gateway:
            await gateway.targets([REF])
            with pytest.raises(Timeout):  # the caller's deadline, not "every provider failed"
                await gateway.complete(CallRequest.from_prompt("a question", deadline_s=0.3), REF)
        assert fake.requests("p1") == []
    assert [(row["outcome"], row.get("error")) for row in call_rows(tmp_path)] == [("error", "Timeout")]


async def test_a_dead_cache_is_logged_at_its_first_fault_then_once_a_minute(caplog):
    from llmwright.gateway.cache import SafeCache

    now = [0.0]  # a clock the test moves; it starts at zero, like a machine just booted
    cache = SafeCache(SlowCache(error=ConnectionError("refused")), clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="llmwright.gateway"):
        for moment in (0.0, 30.0, 59.9, 60.0, 60.1, 119.9, 120.5):
            now[0] = moment
            assert await cache.get("k") is None
    counts = [r.getMessage().rsplit("(", 1)[1] for r in caplog.records]
    assert counts == ["1 cache faults so far)", "4 cache faults so far)", "7 cache faults so far)"]


async def test_a_write_waits_a_moment_for_another_processs_lock_then_gives_up_before_the_cache_timeout(
    tmp_path, caplog
):
    path = tmp_path / "cache.sqlite3"
    cache = SqliteCache(path)
    await cache.set("warm-up", "{}", 60)
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing for a long time
    try:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            await cache.set("answer", "{}", 60)
        waited = time.monotonic() - started
        safe = SafeCache(SqliteCache(path))  # as the gateway wraps it: at most 1 s per operation
        with caplog.at_level(logging.WARNING, logger="llmwright.gateway"):
            await safe.set("answer", "{}", 60)
            await safe.aclose()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await cache.aclose()
    assert waited >= 0.15  # it waited for the lock first: another process's write usually holds it for milliseconds
    # ... and sqlite gave up (at 0.2 s), not the cache's 1 s timeout: a locked file costs a call little
    assert [r.getMessage().split(";")[0] for r in caplog.records] == [
        "response cache write failed (OperationalError: database is locked)"
    ]


async def test_a_read_issued_after_a_write_sees_it_even_while_another_process_holds_the_lock(tmp_path):
    path = tmp_path / "cache.sqlite3"
    cache = SqliteCache(path, busy_timeout_s=5)
    await cache.set("warm-up", "{}", 60)
    assert await cache.get("warm-up") == "{}"
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        write = asyncio.ensure_future(cache.set("answer", "stored", 60))  # as the gateway stores an answer ...
        read = asyncio.ensure_future(cache.get("answer"))  # ... and an identical call looks it up at once
        await asyncio.sleep(0.2)
        assert not write.done() and not read.done()  # the write waits for the lock; the read, behind it
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    try:
        await write
        assert await read == "stored"
    finally:
        await cache.aclose()
