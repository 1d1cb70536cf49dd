"""A circuit breaker per provider that only outages open, plus a cool-down that 429s set.

Closed → open after `fail_max` outage-class failures in a row (5xx, connection failures,
malformed or incomplete answers, timeouts that had their full per-attempt time); open →
half-open after `reset_timeout_s`, where one trial call at a time is let through (a lease
that expires, so a crashed holder cannot wedge it); the trial's success closes it, its
failure opens it again. What is not a health signal leaves the breaker as it was:

- a cancelled call, or a timeout cut short by the caller's own deadline, is neutral: it
  neither resets the failure count nor settles a half-open trial;
- a 429 is not an outage: it starts a cool-down of Retry-After seconds (capped) for that
  provider, during which calls wait or move to the next link, and the breaker stays shut;
- a terminal error (400, 401, …) means the provider answered: it counts as a success.

The state machine is written once, here, over a `BreakerState`; `LocalBreakers` keeps it in
this process and `shared.RedisBreakers` runs the same transitions in Redis (Lua), so every
worker sees one breaker per provider. No library fits: pybreaker counts every excluded
exception (a cancellation included) as a success and its Redis storage is synchronous.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

from .errors import CircuitOpen

Outcome = Literal["success", "failure", "rate_limited", "neutral"]
Verdict = Literal["pass", "trial", "wait", "open", "busy"]
Clock = Callable[[], float]


@dataclass
class BreakerState:
    state: Literal["closed", "open", "half-open"] = "closed"
    failures: int = 0
    opened_at: float = 0.0
    cooldown_until: float = 0.0
    trial_until: float = 0.0
    as_of: float = 0.0  # the store's clock when this copy was read

    @property
    def cooling_down(self) -> bool:
        return self.cooldown_until > self.as_of


class Admission(NamedTuple):
    verdict: Verdict
    seconds: float  # wait (cool-down) or time until the breaker may let a trial through


def enter(s: BreakerState, now: float, reset_s: float, lease_s: float) -> Admission:
    """May a call go now? Takes the half-open trial lease when it is free."""
    if s.state == "open":
        if now < s.opened_at + reset_s:
            return Admission("open", s.opened_at + reset_s - now)
        s.state, s.trial_until = "half-open", 0.0
    if s.cooldown_until > now:
        return Admission("wait", s.cooldown_until - now)
    if s.state == "half-open":
        if s.trial_until > now:
            return Admission("busy", s.trial_until - now)
        s.trial_until = now + lease_s
        return Admission("trial", 0.0)
    return Admission("pass", 0.0)


def record(s: BreakerState, now: float, outcome: Outcome, trial: bool, fail_max: int, cooldown_s: float) -> None:
    """One call's outcome moves the state (see the module docstring)."""
    if trial:
        s.trial_until = 0.0
    if outcome == "neutral":
        return
    if outcome == "rate_limited":
        s.cooldown_until = max(s.cooldown_until, now + cooldown_s)
        outcome = "success"  # the provider answered
    if outcome == "success":
        s.failures = 0
        if trial and s.state == "half-open":
            s.state = "closed"
        return
    if trial and s.state == "half-open":
        s.state, s.opened_at = "open", now
        return
    if s.state == "closed":
        s.failures += 1
        if s.failures >= fail_max:
            s.state, s.opened_at = "open", now


class BreakerStore(Protocol):
    async def enter(self, name: str, reset_s: float, lease_s: float) -> Admission: ...

    async def record(
        self, name: str, outcome: Outcome, trial: bool, fail_max: int, cooldown_s: float
    ) -> BreakerState: ...

    async def read(self, name: str) -> BreakerState: ...


class LocalBreakers:
    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self._states: dict[str, BreakerState] = {}

    def _state(self, name: str) -> BreakerState:
        return self._states.setdefault(name, BreakerState())

    async def enter(self, name: str, reset_s: float, lease_s: float) -> Admission:
        return enter(self._state(name), self.clock(), reset_s, lease_s)

    async def record(self, name: str, outcome: Outcome, trial: bool, fail_max: int, cooldown_s: float) -> BreakerState:
        state = self._state(name)
        record(state, self.clock(), outcome, trial, fail_max, cooldown_s)
        return state

    async def read(self, name: str) -> BreakerState:
        return BreakerState(**{**vars(self._state(name)), "as_of": self.clock()})


class Breaker:
    """One provider's breaker, over a store; `state` and `fail_counter` are this process's last view.
    `fail_max` and `reset_timeout_s` come from `[providers.*]` (config.py holds the defaults)."""

    def __init__(self, name: str, store: BreakerStore, fail_max: int, reset_timeout_s: float) -> None:
        self.name, self.store = name, store
        self.fail_max, self.reset_timeout_s = fail_max, reset_timeout_s
        self._seen = BreakerState()

    @property
    def state(self) -> str:
        return self._seen.state

    @property
    def fail_counter(self) -> int:
        return self._seen.failures

    async def admit(self, lease_s: float) -> Admission:
        """`pass`, `trial` (this call is the half-open probe) or `wait` (a 429 cool-down); raises
        `CircuitOpen` while the provider is being skipped."""
        admission = await self.store.enter(self.name, self.reset_timeout_s, lease_s)
        if admission.verdict == "open":
            self._seen.state = "open"
            raise CircuitOpen(
                f"circuit breaker open after repeated failures (trial in {admission.seconds:.1f}s)", provider=self.name
            )
        if admission.verdict == "busy":
            self._seen.state = "half-open"
            raise CircuitOpen("circuit breaker half-open, trial call in flight", provider=self.name)
        if admission.verdict == "trial":
            self._seen.state = "half-open"
        return admission

    async def record(self, outcome: Outcome, trial: bool, cooldown_s: float = 0.0) -> None:
        state = await self.store.record(self.name, outcome, trial, self.fail_max, cooldown_s)
        self._seen = BreakerState(**vars(state))

    async def read(self) -> BreakerState:
        self._seen = BreakerState(**vars(await self.store.read(self.name)))
        return self._seen
