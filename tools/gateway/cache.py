"""The response cache: key = canonical hash of (model chain, messages, parameters).

Backends share one small async interface so the gateway does not care where entries
live: `memory` (one process), `sqlite` (default: a file under the user cache dir, shared
by processes on one machine) and `redis` (several machines; `cache_redis.py`). Entries
hold the answer and its usage, never an API key; with redaction on they hold the
redacted text. Only complete answers are stored.

A cache is an optimisation, never a reason for a call to fail or wait: `SafeCache` puts every
backend behind one rule — a fault (sqlite locked or corrupt, Redis down, a slow backend) is
logged and bypassed, and the call proceeds and is recorded as if there were no cache.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

from llmwright.config import CacheConfig
from llmwright.paths import cache_dir
from llmwright.secrets import scrub_secrets

from .models import CallRequest

logger = logging.getLogger("llmwright.gateway")
T = TypeVar("T")


def cache_key(chain: list[str], request: CallRequest) -> str:
    canonical = json.dumps(
        {"chain": chain, "request": request.cache_params()}, sort_keys=True, separators=(",", ":"), default=str
    )
    return "llmwright:" + hashlib.sha256(canonical.encode()).hexdigest()


class Cache(Protocol):
    async def get(self, key: str) -> str | None: ...
    async def set(self, key: str, value: str, ttl_s: float) -> None: ...
    async def aclose(self) -> None: ...


class MemoryCache:
    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._max = max_entries

    async def get(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            self._entries.pop(key, None)
            return None
        self._entries.move_to_end(key)
        return entry[1]

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        self._entries[key] = (time.monotonic() + ttl_s, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    async def aclose(self) -> None:
        self._entries.clear()


class SqliteCache:
    """One table in a local file; sqlite's own locking makes it safe across processes.

    Every statement runs on one worker thread, never on the event loop. Expiry is indexed and
    expired rows are evicted in batches (every `EVICT_EVERY` writes, at most `EVICT_BATCH` rows),
    so a write costs O(log n) however large the table. A lock held by another process makes a
    statement fail after `busy_timeout_s` instead of freezing the call: the cache is bypassed.
    """

    EVICT_EVERY = 256
    EVICT_BATCH = 1000

    def __init__(self, path: str | Path | None = None, busy_timeout_s: float = 0.2) -> None:
        self.path = Path(path) if path else cache_dir() / "responses.sqlite3"
        self.busy_timeout_s = busy_timeout_s
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llmwright-cache")
        self._db: Any = None  # a sqlite3.Connection, opened on the worker thread
        self._writes = 0

    def _connection(self) -> Any:
        if self._db is None:
            import sqlite3  # only the sqlite backend pays for it

            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=self.busy_timeout_s)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, expires REAL, value TEXT)")
                db.execute("CREATE INDEX IF NOT EXISTS responses_expires ON responses (expires)")
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db

    def _get(self, key: str) -> str | None:
        row = self._connection().execute("SELECT expires, value FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] < time.time():
            return None
        return row[1]

    def _set(self, key: str, value: str, ttl_s: float) -> None:
        db = self._connection()
        db.execute(
            "INSERT OR REPLACE INTO responses (key, expires, value) VALUES (?, ?, ?)", (key, time.time() + ttl_s, value)
        )
        self._writes += 1
        if self._writes % self.EVICT_EVERY == 0:
            self._evict()

    def _evict(self) -> int:
        cursor = self._connection().execute(
            "DELETE FROM responses WHERE rowid IN (SELECT rowid FROM responses WHERE expires < ? LIMIT ?)",
            (time.time(), self.EVICT_BATCH),
        )
        return cursor.rowcount

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._worker, function, *args)

    async def get(self, key: str) -> str | None:
        return await self._run(self._get, key)

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        await self._run(self._set, key, value, ttl_s)

    async def evict(self) -> int:
        """Drop one batch of expired entries now; how many went."""
        return await self._run(self._evict)

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    async def aclose(self) -> None:
        try:
            await self._run(self._close)
        finally:
            self._worker.shutdown(wait=False)


class SafeCache:
    """A backend whose faults are logged and bypassed, within `timeout_s` per operation."""

    LOG_EVERY_S = 60.0

    def __init__(self, inner: Cache, timeout_s: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.inner, self.timeout_s, self.clock = inner, timeout_s, clock
        self.faults = 0
        self._logged_at = -self.LOG_EVERY_S
        self._writes: set[asyncio.Task[None]] = set()

    async def get(self, key: str, within: float | None = None) -> str | None:
        """The entry, or None on a miss, a fault, or no answer within `timeout_s` (or `within`, the
        caller's remaining deadline)."""
        limit = self.timeout_s if within is None else max(min(self.timeout_s, within), 0.0)
        try:
            async with asyncio.timeout(limit):
                return await self.inner.get(key)
        except Exception as exc:
            self._fault("read", exc)
            return None

    def store_later(self, key: str, value: str, ttl_s: float) -> asyncio.Task[None]:
        """Write in the background: an answer is returned without waiting for the cache."""
        task = asyncio.get_running_loop().create_task(self.set(key, value, ttl_s))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        return task

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        try:
            async with asyncio.timeout(self.timeout_s):
                await self.inner.set(key, value, ttl_s)
        except Exception as exc:
            self._fault("write", exc)

    async def aclose(self) -> None:
        """Finish the writes in flight (within `timeout_s`), then close the backend."""
        pending = [t for t in self._writes if t.get_loop() is asyncio.get_running_loop()]
        if pending:
            await asyncio.wait(pending, timeout=self.timeout_s)
        try:
            await self.inner.aclose()
        except Exception as exc:
            self._fault("close", exc)

    def _fault(self, what: str, exc: Exception) -> None:
        """Log the first fault, then at most once a minute with a count (a dead backend must not flood logs)."""
        self.faults += 1
        now = self.clock()
        if now - self._logged_at < self.LOG_EVERY_S:
            return
        self._logged_at = now
        detail = scrub_secrets(str(exc))[:200] or "timed out"
        logger.warning(
            "response cache %s failed (%s: %s); bypassed, the call goes on (%d cache faults so far)",
            what,
            type(exc).__name__,
            detail,
            self.faults,
        )


def build_cache(config: CacheConfig) -> Cache | None:
    if config.backend == "off":
        return None
    if config.backend == "memory":
        return MemoryCache()
    if config.backend == "redis":
        from .cache_redis import RedisCache

        return RedisCache(config.url or "redis://127.0.0.1:6379/0")
    return SqliteCache(config.url)
