"""The response cache: key = canonical hash of (model chain, messages, parameters).

Backends share one small async interface so the gateway does not care where entries
live: `memory` (one process), `sqlite` (default: a file under the user cache dir, shared
by processes on one machine) and `redis` (several machines; `cache_redis.py`). Entries
hold the answer and its usage, never an API key; with redaction on they hold the
redacted text.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import time
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

from llmwright.config import CacheConfig
from llmwright.paths import cache_dir

from .models import CallRequest


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
    """One table in a local file; sqlite's own locking makes it safe across processes."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else cache_dir() / "responses.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=5)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, expires REAL, value TEXT)")
        self._lock = asyncio.Lock()

    async def get(self, key: str) -> str | None:
        async with self._lock:
            row = self._db.execute("SELECT expires, value FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] < time.time():
            return None
        return row[1]

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        async with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses (key, expires, value) VALUES (?, ?, ?)",
                (key, time.time() + ttl_s, value),
            )
            self._db.execute("DELETE FROM responses WHERE expires < ?", (time.time(),))

    async def aclose(self) -> None:
        self._db.close()


def build_cache(config: CacheConfig) -> Cache | None:
    if config.backend == "off":
        return None
    if config.backend == "memory":
        return MemoryCache()
    if config.backend == "redis":
        from .cache_redis import RedisCache

        return RedisCache(config.url or "redis://127.0.0.1:6379/0")
    return SqliteCache(config.url)
