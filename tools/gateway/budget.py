"""Daily caps on tokens and dollars, per route and per provider: reserved before each attempt, settled after.

Before an attempt is sent, its pessimistic cost — the prompt's tokens at the input price plus
the whole output allowance at the output price — is reserved against every cap that applies;
a reservation that would pass a cap is refused (`BudgetExceeded`) and nothing is sent. When
the attempt ends, its reservation becomes what it really cost (for a timeout, its estimate).
Concurrent calls therefore see each other's spend before it is billed, and together never pass
a cap by more than one call's reservation.

Two stores. `LocalBudgets` counts today's spend from the usage ledger, which follows the file
(processes sharing a ledger share their caps, up to the calls in flight elsewhere), plus this
process's reservations, held until the call's ledger row is written. `shared.RedisBudgets`
keeps one counter per cap and day in Redis, reserved and settled atomically, for any number
of processes and hosts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .errors import BudgetExceeded
from .ledger import Ledger, today


@dataclass(frozen=True)
class Cap:
    key: str  # "provider:NAME" or "route:NAME"
    daily_usd: float | None
    daily_tokens: int | None


@dataclass
class Hold:
    """What one attempt has reserved (then, once settled, spent) against its caps."""

    caps: tuple[Cap, ...]
    tokens: float
    usd: float
    day: str = ""
    keys: tuple[str, ...] = field(default=())  # where a shared store keeps the counters


def check(cap: Cap, used_tokens: float, used_usd: float, tokens: float, usd: float, warn_at: float) -> list[str]:
    """Raise `BudgetExceeded` when this spend would pass the cap; warnings once past `warn_at` of it."""
    warnings: list[str] = []
    if cap.daily_tokens is not None:
        if used_tokens + tokens > cap.daily_tokens:
            raise BudgetExceeded(f"{cap.key} daily_tokens", used_tokens, cap.daily_tokens, tokens)
        if used_tokens + tokens >= warn_at * cap.daily_tokens:
            warnings.append(f"{cap.key}: {used_tokens + tokens:g} of {cap.daily_tokens:g} daily tokens")
    if cap.daily_usd is not None:
        if used_usd + usd > cap.daily_usd:
            raise BudgetExceeded(f"{cap.key} daily_usd", round(used_usd, 6), cap.daily_usd, round(usd, 6))
        if used_usd + usd >= warn_at * cap.daily_usd:
            warnings.append(f"{cap.key}: ${used_usd + usd:.4f} of ${cap.daily_usd:g} daily budget")
    return warnings


class Budgets(Protocol):
    async def reserve(self, caps: Sequence[Cap], tokens: float, usd: float, warn_at: float) -> tuple[Hold, list[str]]:
        """Reserve this spend against every cap at once, or raise `BudgetExceeded` and reserve nothing."""
        ...

    async def settle(self, hold: Hold, tokens: float, usd: float) -> None:
        """The attempt is over: its hold now stands for what it really spent."""
        ...

    def release(self, holds: Sequence[Hold]) -> None:
        """The call's ledger row (holding the real spend) is written."""
        ...

    async def spent(self, key: str) -> tuple[float, float]:
        """(tokens, usd) spent today against `provider:NAME` or `route:NAME`."""
        ...


class LocalBudgets:
    """Today's spend from the ledger (or, without one, this process's own total) plus reservations."""

    def __init__(self, ledger: Ledger | None) -> None:
        self.ledger = ledger
        self._held: defaultdict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        self._own: defaultdict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # without a ledger
        self._day = today()

    def _used(self, key: str) -> tuple[float, float]:
        if self.ledger is not None:
            tokens, usd = self.ledger.spent(key)
        else:
            if today() != self._day:
                self._day, self._own = today(), defaultdict(lambda: [0.0, 0.0])
            tokens, usd = self._own.get(key, (0.0, 0.0))
        held = self._held.get(key, (0.0, 0.0))
        return tokens + held[0], usd + held[1]

    async def reserve(self, caps: Sequence[Cap], tokens: float, usd: float, warn_at: float) -> tuple[Hold, list[str]]:
        warnings = [w for cap in caps for w in check(cap, *self._used(cap.key), tokens, usd, warn_at)]
        hold = Hold(tuple(caps), tokens, usd)
        self._move(hold, tokens, usd)
        return hold, warnings

    async def settle(self, hold: Hold, tokens: float, usd: float) -> None:
        self._move(hold, tokens - hold.tokens, usd - hold.usd)
        hold.tokens, hold.usd = tokens, usd

    def release(self, holds: Sequence[Hold]) -> None:
        for hold in holds:
            self._move(hold, -hold.tokens, -hold.usd)
            if self.ledger is None:
                for cap in hold.caps:
                    own = self._own[cap.key]
                    own[0] += hold.tokens
                    own[1] += hold.usd
            hold.tokens = hold.usd = 0.0

    async def spent(self, key: str) -> tuple[float, float]:
        return self._used(key)

    def _move(self, hold: Hold, tokens: float, usd: float) -> None:
        for cap in hold.caps:
            held = self._held[cap.key]
            held[0] += tokens
            held[1] += usd
