"""One provider wrapped in its guards: rate limiter → circuit breaker → per-attempt timeout,
retried with backoff. Each try is appended to the caller's `attempts` list as it ends, so
the list is exact whatever happens next.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator

from .breaker import Breaker
from .errors import LLMError, RetryableError, Skipped, Timeout
from .limiter import Limiter
from .models import Attempt, CallRequest, Reply
from .providers import Provider
from .retry import RetryPolicy


class Link:
    def __init__(self, provider: Provider, policy: RetryPolicy, limiter: Limiter, breaker: Breaker) -> None:
        self.provider = provider
        self.policy = policy
        self.limiter = limiter
        self.breaker = breaker
        self.recent: deque[tuple[bool, float]] = deque(maxlen=200)  # (ok, latency_ms) for provider_status

    @property
    def name(self) -> str:
        return self.provider.name

    def _timeout(self, request: CallRequest, deadline: float) -> float:
        per_attempt = request.timeout_s or self.provider.settings.options.timeout_s
        return min(per_attempt, deadline - time.monotonic())

    async def _admit(self, model: str, deadline: float, tokens: int, attempts: list[Attempt]) -> None:
        """Wait for a rate-limit slot; the wait counts against the deadline."""
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError
            if self.limiter.active:
                async with asyncio.timeout(remaining):
                    await self.limiter.acquire(tokens)
        except TimeoutError as exc:
            error = Timeout("deadline reached before a rate-limit slot was free", provider=self.name)
            attempts.append(
                Attempt(provider=self.name, model=model, outcome="skipped", error="Timeout", message=str(error))
            )
            raise error from exc

    def _failed(self, model: str, exc: LLMError, started: float, attempts: list[Attempt]) -> None:
        latency = (time.monotonic() - started) * 1000
        skipped = isinstance(exc, Skipped)
        attempts.append(
            Attempt(
                provider=self.name,
                model=model,
                outcome="skipped" if skipped else "error",
                error=type(exc).__name__,
                message=str(exc),
                latency_ms=round(latency, 1),
            ).began(started)
        )
        if not skipped:
            self.recent.append((False, latency))

    def _succeeded(self, model: str, started: float, attempts: list[Attempt]) -> None:
        latency = (time.monotonic() - started) * 1000
        attempts.append(
            Attempt(provider=self.name, model=model, outcome="ok", latency_ms=round(latency, 1)).began(started)
        )
        self.recent.append((True, latency))

    async def _backoff(self, retry: int, exc: LLMError, deadline: float) -> bool:
        """Sleep before the next try; False when no retry is left or the wait would pass the deadline."""
        if isinstance(exc, Skipped) or not isinstance(exc, RetryableError) or retry >= self.policy.max_retries:
            return False
        delay = self.policy.delay(retry, exc)
        if time.monotonic() + delay >= deadline:
            return False
        await asyncio.sleep(delay)
        return True

    async def _attempt(self, model: str, request: CallRequest, deadline: float) -> Reply:
        """One guarded request; the in-flight slot taken by `_admit` is given back whatever happens."""
        try:
            with self.breaker.guard():
                timeout = self._timeout(request, deadline)
                try:
                    async with asyncio.timeout(timeout):
                        return await self.provider.complete(model, request, timeout)
                except TimeoutError as exc:
                    raise Timeout(f"no answer within {timeout:.1f}s", provider=self.name) from exc
        finally:
            self.limiter.release()

    async def complete(
        self, model: str, request: CallRequest, deadline: float, attempts: list[Attempt], tokens: int = 0
    ) -> Reply:
        retry = 0
        while True:
            await self._admit(model, deadline, tokens, attempts)
            started = time.monotonic()
            try:
                reply = await self._attempt(model, request, deadline)
            except LLMError as exc:
                self._failed(model, exc, started, attempts)
                if not await self._backoff(retry, exc, deadline):
                    raise
                retry += 1
                continue
            self._succeeded(model, started, attempts)
            self.limiter.correct(tokens, reply.usage.total)
            return reply

    async def _attempt_stream(self, model: str, request: CallRequest, deadline: float) -> AsyncIterator[str | Reply]:
        try:
            with self.breaker.guard():
                chunks = self.provider.stream(model, request, self._timeout(request, deadline)).__aiter__()
                while True:
                    timeout = self._timeout(request, deadline)
                    try:
                        async with asyncio.timeout(timeout):
                            item = await chunks.__anext__()
                    except StopAsyncIteration:
                        return
                    except TimeoutError as exc:
                        raise Timeout(f"stream stalled for {timeout:.1f}s", provider=self.name) from exc
                    yield item
        finally:
            self.limiter.release()

    async def stream(
        self, model: str, request: CallRequest, deadline: float, attempts: list[Attempt], tokens: int = 0
    ) -> AsyncIterator[str | Reply]:
        """Retries only until the first delta has been yielded; after that an error propagates as is."""
        retry = 0
        while True:
            await self._admit(model, deadline, tokens, attempts)
            started, yielded, reply = time.monotonic(), False, None
            try:
                async for item in self._attempt_stream(model, request, deadline):
                    if isinstance(item, Reply):
                        reply = item
                    else:
                        yielded = True
                        yield item
            except LLMError as exc:
                self._failed(model, exc, started, attempts)
                if yielded or not await self._backoff(retry, exc, deadline):
                    raise
                retry += 1
                continue
            assert reply is not None, "a provider stream always ends with its Reply"
            self._succeeded(model, started, attempts)
            self.limiter.correct(tokens, reply.usage.total)
            yield reply
            return
