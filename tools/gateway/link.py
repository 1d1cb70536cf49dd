"""One provider wrapped in its guards: budget → bulkhead → breaker → rate limit → per-attempt
timeout, retried with backoff.

Before an attempt is sent (`_admit`), each guard may refuse it, and a refusal is immediate: a
cap that would be passed, an open breaker, or a wait for a rate-limit slot or a 429 cool-down
longer than this call may spend (its deadline, or `max_wait_share` of it while a later link
could answer) skips the link at once, recorded as a `skipped` attempt. Every try is appended
to the caller's `attempts` list the moment it ends, with what it cost (`meter.py`), so the
list — and the ledger written from it — is exact whatever happens next, cancellation
included. The breaker hears each attempt's health: outages count, 429s cool down,
cancellations and deadline-cut timeouts are neutral.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from dataclasses import dataclass

from .breaker import Admission, Breaker, Outcome
from .budget import Hold
from .errors import (
    BudgetExceeded,
    CircuitOpen,
    IncompleteResponse,
    LLMError,
    RateLimited,
    RetryableError,
    Skipped,
    Timeout,
)
from .limiter import Limiter
from .meter import Meter
from .models import Attempt, CallRequest, Reply
from .providers import Provider
from .retry import RetryPolicy


@dataclass
class Ticket:
    """What an admitted attempt holds until it ends."""

    hold: Hold | None
    trial: bool  # the breaker's half-open probe
    tokens: int  # reserved in the tokens-per-minute bucket
    timeout: float
    full: bool  # the attempt has its whole per-attempt timeout (not cut short by the deadline)


def health(error: BaseException | None, full_timeout: bool) -> Outcome:
    """What an attempt's end says about the provider (see breaker.py)."""
    if error is None:
        return "success"
    if isinstance(error, RateLimited):
        return "rate_limited"
    if isinstance(error, Timeout) and error.status is None and not full_timeout:
        return "neutral"  # the caller's deadline, not the provider, cut it short
    if isinstance(error, Skipped):
        return "neutral"
    if isinstance(error, RetryableError):
        return "failure"
    if isinstance(error, LLMError):
        return "success"  # a terminal error: the provider is up and answered
    return "neutral"  # cancelled


def billed(error: BaseException | None, partial: str) -> bool:
    """Whether the provider may bill an attempt that brought no usage back."""
    if partial or not isinstance(error, LLMError):
        return True  # text arrived, or the caller cancelled while the provider worked
    return isinstance(error, IncompleteResponse) or (isinstance(error, Timeout) and error.status is None)


class Link:
    def __init__(
        self, provider: Provider, policy: RetryPolicy, limiter: Limiter, breaker: Breaker, max_wait_share: float = 0.5
    ) -> None:
        self.provider = provider
        self.policy = policy
        self.limiter = limiter
        self.breaker = breaker
        self.max_wait_share = max_wait_share
        self.recent: deque[tuple[bool, float]] = deque(maxlen=200)  # (ok, latency_ms) for provider_status

    @property
    def name(self) -> str:
        return self.provider.name

    def _timeout(self, request: CallRequest, deadline: float) -> tuple[float, bool]:
        per_attempt = request.timeout_s or self.provider.settings.options.timeout_s
        remaining = deadline - time.monotonic()
        return min(per_attempt, remaining), per_attempt <= remaining

    def _wait_limit(self, deadline: float, last: bool) -> float:
        """How long this call may wait on this link: the deadline, or a share of it when a later link could answer."""
        remaining = deadline - time.monotonic()
        return remaining if last else remaining * self.max_wait_share

    # -- before sending --------------------------------------------------------------------

    async def _admit(
        self, model: str, request: CallRequest, deadline: float, meter: Meter, attempts: list[Attempt], last: bool
    ) -> Ticket:
        """Pass every guard, or record a skipped attempt and raise why."""
        started = time.monotonic()

        def skip(error: LLMError, name: str | None = None) -> LLMError:
            attempts.append(
                Attempt(
                    provider=self.name,
                    model=model,
                    outcome="skipped",
                    error=name or type(error).__name__,
                    message=str(error),
                ).began(started)
            )
            return error

        if deadline - started <= 0:
            raise skip(Timeout("deadline reached before the request could be sent", provider=self.name))
        wait_until = started + self._wait_limit(deadline, last)
        try:
            hold = await meter.reserve()
        except BudgetExceeded as exc:
            raise skip(exc) from None
        entered = trial = False
        try:
            if not await self.limiter.enter(wait_until - time.monotonic()):
                message = "(local) max_concurrency: no in-flight slot freed within this call's wait limit"
                raise skip(RateLimited(message, provider=self.name))
            entered = True
            admission = await self._pass_breaker(deadline, wait_until, request, skip)
            trial = admission.verdict == "trial"
            tokens = await meter.input_tokens() if self.limiter.needs_tokens else 0
            wait = await self.limiter.reserve(tokens, 0.0, wait_until - time.monotonic())
            if wait is None:
                message = "(local) rpm/tpm: the next slot is past this call's wait limit"
                raise skip(RateLimited(message, provider=self.name))
            if wait > 0:
                await asyncio.sleep(wait)
            timeout, full = self._timeout(request, deadline)
            if timeout <= 0:
                raise skip(Timeout("deadline reached while waiting for a rate-limit slot", provider=self.name))
            return Ticket(hold, trial, tokens, timeout, full)
        except BaseException:
            if trial:
                await self.breaker.record("neutral", True)
            if entered:
                self.limiter.leave()
            await meter.unbilled(hold)
            raise

    async def _pass_breaker(
        self, deadline: float, wait_until: float, request: CallRequest, skip: Callable[[LLMError], LLMError]
    ) -> Admission:
        """The breaker's verdict, after waiting out a 429 cool-down that fits this call's wait limit."""
        lease = (deadline - time.monotonic()) + 1.0  # a trial holds its lease for the attempt at most
        while True:
            try:
                admission = await self.breaker.admit(lease)
            except CircuitOpen as exc:
                raise skip(exc) from None
            if admission.verdict != "wait":
                return admission
            pause = admission.seconds + self.policy.jitter()  # spread the calls that waited it out
            if time.monotonic() + pause > wait_until:
                message = f"(local) cooling down for {admission.seconds:.1f}s after a 429 (Retry-After)"
                raise skip(RateLimited(message, provider=self.name))
            await asyncio.sleep(pause)

    # -- after an attempt ----------------------------------------------------------------------

    async def _ended(
        self,
        ticket: Ticket,
        model: str,
        started: float,
        attempts: list[Attempt],
        meter: Meter,
        error: BaseException | None = None,
        reply: Reply | None = None,
        partial: str = "",
    ) -> None:
        """Record the attempt (first, so nothing is lost), then release its guards and bill it."""
        latency = (time.monotonic() - started) * 1000
        llm_error = error if isinstance(error, LLMError) else None
        outcome = "ok" if reply is not None else ("error" if llm_error else "cancelled")
        if isinstance(error, Skipped):
            outcome = "skipped"  # e.g. no key: nothing was sent
        attempt = Attempt(
            provider=self.name,
            model=model,
            outcome=outcome,
            error=type(llm_error).__name__ if llm_error else (None if reply is not None else "Cancelled"),
            message=str(llm_error) if llm_error else None,
            latency_ms=round(latency, 1),
        ).began(started)
        attempts.append(attempt)
        self.limiter.leave()
        if outcome in ("ok", "error"):
            self.recent.append((reply is not None, latency))
        if reply is not None or billed(error, partial):
            await meter.bill(attempt, ticket.hold, reply.usage if reply is not None else None, partial)
        else:
            await meter.unbilled(ticket.hold)
        if ticket.tokens:
            await self.limiter.settle(ticket.tokens, attempt.input_tokens + attempt.output_tokens)
        cooldown = self.policy.cooldown(error) if isinstance(error, RateLimited) else 0.0
        await self.breaker.record(health(error, ticket.full), ticket.trial, cooldown)

    async def _backoff(self, retry: int, exc: LLMError, deadline: float, last: bool) -> bool:
        """Sleep before the next try; False when no retry is left or the wait is past what this call may wait."""
        if isinstance(exc, Skipped) or not isinstance(exc, RetryableError) or retry >= self.policy.max_retries:
            return False
        delay = self.policy.delay(retry, exc)
        if delay >= self._wait_limit(deadline, last):
            return False
        await asyncio.sleep(delay)
        return True

    # -- calls ---------------------------------------------------------------------------------

    async def complete(
        self,
        model: str,
        request: CallRequest,
        deadline: float,
        attempts: list[Attempt],
        meter: Meter,
        last: bool = True,
    ) -> Reply:
        retry = 0
        while True:
            ticket = await self._admit(model, request, deadline, meter, attempts, last)
            started = time.monotonic()
            try:
                try:
                    async with asyncio.timeout(ticket.timeout):
                        reply = await self.provider.complete(model, request, ticket.timeout)
                except TimeoutError as exc:
                    raise Timeout(f"no answer within {ticket.timeout:.1f}s", provider=self.name) from exc
            except LLMError as exc:
                await self._ended(ticket, model, started, attempts, meter, exc)
                if not await self._backoff(retry, exc, deadline, last):
                    raise
                retry += 1
                continue
            except BaseException as exc:
                await self._ended(ticket, model, started, attempts, meter, exc)
                raise
            await self._ended(ticket, model, started, attempts, meter, reply=reply)
            return reply

    async def stream(
        self,
        model: str,
        request: CallRequest,
        deadline: float,
        attempts: list[Attempt],
        meter: Meter,
        last: bool = True,
    ) -> AsyncIterator[str | Reply]:
        """Retries only until the first delta has been yielded; after that an error propagates as is."""
        retry = 0
        while True:
            ticket = await self._admit(model, request, deadline, meter, attempts, last)
            started, parts, reply, ended = time.monotonic(), [], None, False
            try:
                try:
                    async with aclosing(self._chunks(model, request, deadline, ticket)) as chunks:
                        async for item in chunks:
                            if isinstance(item, Reply):
                                reply = item
                            else:
                                parts.append(item)
                                yield item
                    if reply is None:
                        raise IncompleteResponse("the stream ended without its reply", provider=self.name)
                except LLMError as exc:
                    ended = True
                    await self._ended(ticket, model, started, attempts, meter, exc, partial="".join(parts))
                    if parts or not await self._backoff(retry, exc, deadline, last):
                        raise
                    retry += 1
                    continue
            except (asyncio.CancelledError, GeneratorExit) as exc:
                if not ended:
                    await self._ended(ticket, model, started, attempts, meter, exc, partial="".join(parts))
                raise
            await self._ended(ticket, model, started, attempts, meter, reply=reply)
            yield reply
            return

    async def _chunks(
        self, model: str, request: CallRequest, deadline: float, ticket: Ticket
    ) -> AsyncIterator[str | Reply]:
        """The provider's items, each within the per-attempt timeout (a stalled stream is a `Timeout`)."""
        chunks = self.provider.stream(model, request, ticket.timeout)
        try:
            while True:
                timeout, ticket.full = self._timeout(request, deadline)
                try:
                    async with asyncio.timeout(max(timeout, 0.0)):
                        item = await anext(chunks)
                except StopAsyncIteration:
                    return
                except TimeoutError as exc:
                    raise Timeout(f"stream stalled for {timeout:.1f}s", provider=self.name) from exc
                yield item
        finally:
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()
