"""A circuit breaker per provider: `pybreaker`'s state machine, driven around awaits.

pybreaker's own async support (`call_async`) needs tornado; its `calling()` context
manager, though, only runs the state machine on entry and exit, so it can wrap an
`await` in a coroutine. Two additions here: only retryable errors count as failures (a
bad request says nothing about the provider's health, and a skipped call never reached
it), and while the breaker is half-open a single trial call is let through — other
coroutines are turned away instead of all probing a provider that may still be down.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pybreaker

from .errors import CircuitOpen, RetryableError, Skipped


def _not_a_health_signal(exc: BaseException) -> bool:
    return not isinstance(exc, RetryableError) or isinstance(exc, Skipped)


class Breaker:
    def __init__(self, name: str, fail_max: int = 5, reset_timeout_s: float = 30.0) -> None:
        self.name = name
        self._cb = pybreaker.CircuitBreaker(
            fail_max=fail_max,
            reset_timeout=reset_timeout_s,
            exclude=[_not_a_health_signal],
            throw_new_error_on_trip=False,  # the caller sees the provider's own error
            name=name,
        )
        self._trial_in_flight = False

    @property
    def state(self) -> str:
        return self._cb.current_state

    @property
    def fail_counter(self) -> int:
        return self._cb.fail_counter

    def open(self) -> None:
        """Force the breaker open (operators and tests)."""
        self._cb.open()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Wrap one provider call; raises `CircuitOpen` at once when the provider is being skipped."""
        if self._trial_in_flight:
            raise CircuitOpen("circuit breaker half-open, trial call in flight", provider=self.name)
        calling = self._cb.calling()
        try:
            calling.__enter__()
        except pybreaker.CircuitBreakerError as exc:
            raise CircuitOpen("circuit breaker open after repeated failures", provider=self.name) from exc
        trial = self._cb.current_state == pybreaker.STATE_HALF_OPEN
        self._trial_in_flight = trial
        try:
            with _exit_into(calling):
                yield
        finally:
            if trial:
                self._trial_in_flight = False


@contextmanager
def _exit_into(calling) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Hand the outcome of the body to an already-entered pybreaker context."""
    try:
        yield
    except BaseException as exc:
        if not calling.__exit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        calling.__exit__(None, None, None)
