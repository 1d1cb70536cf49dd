"""Per-provider rate limits (requests and tokens per minute) as reservations, and a bulkhead.

Each limit is a leaky bucket in its virtual-scheduling form (GCRA): one number, `tat`, the
moment the bucket drains empty. A request asks for the earliest moment its units fit; when
that moment is further away than the caller may wait (its deadline, or a share of it when
another link could answer), nothing is reserved and the link is skipped at once, instead of
queueing a request that will time out while a healthy fallback sits idle. Otherwise the slot
is reserved and the caller sleeps until it. The same arithmetic runs in Redis (`shared.py`)
when several processes share one limit; `LocalRates` here is the one-process store.

Requests: a bucket of one below 1,200 rpm (requests spaced 60/rpm apart), else a tenth of a
second's worth with the steady rate lowered by that burst, so no 60-second window ever holds
more than `rpm` requests. Tokens: the provider's own bucket (capacity tpm, refilled at tpm/60
per second), estimated before the call and settled on the real usage after it.
A cap on requests in flight (`max_concurrency`, a bulkhead) queues the rest in an O(1)
semaphore, one per event loop, instead of in the SDK's connection pool.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .loops import PerLoop

Clock = Callable[[], float]


@dataclass(frozen=True)
class Bucket:
    key: str
    capacity: float  # units that may pass at once
    rate: float  # units per second, steady

    @classmethod
    def requests(cls, key: str, rpm: float) -> Bucket:
        burst = 1.0 if rpm < 1200 else rpm / 600
        return cls(key, burst, (rpm - (burst - 1.0)) / 60.0)

    @classmethod
    def tokens(cls, key: str, tpm: float) -> Bucket:
        return cls(key, tpm, tpm / 60.0)


def earliest(tat: float, now: float, units: float, bucket: Bucket) -> float:
    """The first moment at or after `now` when `units` fit (more than the capacity waits for empty)."""
    return max(now, tat - max(bucket.capacity - units, 0.0) / bucket.rate)


class RateStore(Protocol):
    """Where buckets live: this process (`LocalRates`) or Redis shared by many (`shared.RedisRates`)."""

    async def reserve(
        self, wants: Sequence[tuple[Bucket, float]], not_before_s: float, max_wait_s: float
    ) -> float | None: ...

    async def settle(self, bucket: Bucket, units: float) -> None: ...

    async def free(self, bucket: Bucket) -> float: ...


class LocalRates:
    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self._tat: dict[str, float] = {}

    async def reserve(
        self, wants: Sequence[tuple[Bucket, float]], not_before_s: float, max_wait_s: float
    ) -> float | None:
        """Seconds until every bucket has room (reserved), or None when that is more than `max_wait_s`."""
        now = self.clock()
        start = now + not_before_s
        for bucket, units in wants:
            start = max(start, earliest(self._tat.get(bucket.key, now), now, units, bucket))
        wait = start - now
        if wait > max_wait_s:
            return None
        for bucket, units in wants:
            self._tat[bucket.key] = max(self._tat.get(bucket.key, now), start) + units / bucket.rate
        return wait

    async def settle(self, bucket: Bucket, units: float) -> None:
        """Add (or give back) units after the fact: the estimate's error moves the bucket."""
        now = self.clock()
        self._tat[bucket.key] = max(self._tat.get(bucket.key, now) + units / bucket.rate, now)

    async def free(self, bucket: Bucket) -> float:
        now = self.clock()
        level = max(self._tat.get(bucket.key, now) - now, 0.0) * bucket.rate
        return max(bucket.capacity - level, 0.0)


class Limiter:
    """One provider's requests-per-minute and tokens-per-minute buckets, and its bulkhead."""

    def __init__(
        self,
        name: str,
        store: RateStore,
        rpm: float | None = None,
        tpm: float | None = None,
        concurrency: int | None = None,
    ) -> None:
        self.rpm, self.tpm, self.store = rpm, tpm, store
        self._requests = Bucket.requests(f"rate:{name}:rpm", rpm) if rpm else None
        self._tokens = Bucket.tokens(f"rate:{name}:tpm", tpm) if tpm else None
        self._bulkhead = PerLoop(lambda: asyncio.Semaphore(concurrency)) if concurrency else None

    @property
    def active(self) -> bool:
        return self._requests is not None or self._tokens is not None

    @property
    def needs_tokens(self) -> bool:
        return self._tokens is not None

    async def reserve(self, tokens: int, not_before_s: float, max_wait_s: float) -> float | None:
        """Seconds to sleep before sending (the slot is reserved), or None: the wait exceeds `max_wait_s`."""
        if not self.active:
            return not_before_s if not_before_s <= max(max_wait_s, 0.0) else None
        wants: list[tuple[Bucket, float]] = []
        if self._requests is not None:
            wants.append((self._requests, 1.0))
        if self._tokens is not None and tokens > 0:
            wants.append((self._tokens, float(tokens)))
        return await self.store.reserve(wants, not_before_s, max_wait_s)

    async def settle(self, estimated: int, actual: int) -> None:
        """Correct the token bucket once the real usage is known (an over-estimate gives tokens back)."""
        if self._tokens is not None and actual and actual != estimated:
            await self.store.settle(self._tokens, float(actual - estimated))

    async def enter(self, timeout: float) -> bool:
        """Take an in-flight slot within `timeout` seconds; False when none freed in time."""
        if self._bulkhead is None:
            return True
        semaphore = self._bulkhead.get()
        if not semaphore.locked():
            await semaphore.acquire()
            return True
        try:
            async with asyncio.timeout(max(timeout, 0.0)):
                await semaphore.acquire()
        except TimeoutError:
            return False
        return True

    def leave(self) -> None:
        if self._bulkhead is not None:
            self._bulkhead.get().release()

    async def headroom(self) -> dict[str, float | None]:
        """Slots free right now in each bucket."""
        out: dict[str, float | None] = {"rpm": self.rpm, "tpm": self.tpm, "requests_free": None, "tokens_free": None}
        for key, bucket in (("requests_free", self._requests), ("tokens_free", self._tokens)):
            if bucket is not None:
                out[key] = round(await self.store.free(bucket), 3)
        return out
