"""Per-provider rate limits: requests per minute and tokens per minute, with `aiolimiter`.

Requests are spaced evenly (a bucket holding a tenth of a second's worth, at least one,
refilled at rpm/60 per second) rather than allowed in a burst of `rpm`: a burst followed
by steady flow would let a sliding minute see up to twice the limit, which is exactly
what gets a key throttled; here a minute sees at most rpm + rpm/600. Tokens allow a
burst up to `tpm` because providers meter them per minute. Tokens are estimated before
the call and corrected after it: the difference is carried to the next acquisition.
An optional cap on requests in flight (a bulkhead) queues the rest in an O(1) semaphore
instead of in the SDK's connection pool, whose queue is scanned on every request.
"""

from __future__ import annotations

import asyncio

from aiolimiter import AsyncLimiter


class Limiter:
    def __init__(self, rpm: float | None = None, tpm: float | None = None, concurrency: int | None = None) -> None:
        self.rpm, self.tpm = rpm, tpm
        self.in_flight = asyncio.Semaphore(concurrency) if concurrency else None
        burst = max(1.0, rpm / 600) if rpm else 1.0  # 0.1 s worth: a high limit must not serialise every request
        self._requests = AsyncLimiter(burst, burst * 60.0 / rpm) if rpm else None
        self._tokens = AsyncLimiter(tpm, 60.0) if tpm else None
        self._debt = 0.0

    @property
    def active(self) -> bool:
        return self._requests is not None or self._tokens is not None or self.in_flight is not None

    @property
    def needs_tokens(self) -> bool:
        return self._tokens is not None

    async def acquire(self, tokens: int = 0) -> None:
        """Wait for a request slot and for `tokens`; the caller bounds the wait by its deadline.

        With a concurrency cap, the caller must `release()` after the attempt.
        """
        if self.in_flight is not None:
            await self.in_flight.acquire()
        try:
            if self._requests is not None:
                await self._requests.acquire()
            if self._tokens is not None and self.tpm:
                amount = min(max(tokens + self._debt, 0.0), self.tpm)
                self._debt = 0.0
                if amount:
                    await self._tokens.acquire(amount)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if self.in_flight is not None:
            self.in_flight.release()

    def correct(self, estimated: int, actual: int) -> None:
        """Carry the estimate's error to the next acquisition (over-estimates give tokens back)."""
        if self._tokens is not None and actual:
            self._debt += actual - estimated

    def headroom(self) -> dict[str, float | None]:
        """Slots free right now (reads aiolimiter's level: it has no public accessor)."""
        out: dict[str, float | None] = {"rpm": self.rpm, "tpm": self.tpm, "requests_free": None, "tokens_free": None}
        for key, limiter in (("requests_free", self._requests), ("tokens_free", self._tokens)):
            if limiter is not None:
                limiter.has_capacity(0)  # lets the bucket leak up to now
                out[key] = round(max(limiter.max_rate - getattr(limiter, "_level", 0.0), 0.0), 3)
        return out
