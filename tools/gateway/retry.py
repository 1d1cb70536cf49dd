"""Retry timing: exponential backoff with full jitter on top of the provider's Retry-After.

The wait before retry n is `max(Retry-After, backoff) + uniform(0, backoff)`, where backoff
is `base_s * 2**n` capped at `max_s`. Retry-After is a floor (capped at `retry_after_max_s`,
so a hostile or buggy header cannot park a request), never the whole answer: clients that
were all told "1 second" would otherwise come back in the same instant, a thundering herd at
the moment the provider recovers. The jitter spreads them over the backoff window. A wait
that would pass the deadline is not taken at all — the chain moves on instead.

A 429 also starts a cool-down for the provider (`cooldown`): other calls wait it out or move
to their next link instead of joining the herd.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .errors import RetryableError


@dataclass(frozen=True)
class RetryPolicy:
    """Built from `[providers.*] max_retries` and `[gateway] backoff_*` (config.py holds the defaults)."""

    max_retries: int
    base_s: float
    max_s: float
    retry_after_max_s: float
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def backoff(self, retry: int) -> float:
        return min(self.max_s, self.base_s * 2**retry)

    def delay(self, retry: int, error: RetryableError) -> float:
        """Seconds to wait before retry number `retry` (0-based) after `error`."""
        window = self.backoff(retry)
        floor = max(self.retry_after(error), window)
        return floor + self.rng.uniform(0, window)

    def jitter(self) -> float:
        """A draw over the first backoff window: what calls that waited out a cool-down add, so they
        do not all come back at its last instant."""
        return self.rng.uniform(0, self.backoff(0))

    def retry_after(self, error: RetryableError) -> float:
        return min(error.retry_after, self.retry_after_max_s) if error.retry_after is not None else 0.0

    def cooldown(self, error: RetryableError) -> float:
        """How long a 429 keeps the provider's other calls away: its Retry-After (capped), else one backoff."""
        return self.retry_after(error) if error.retry_after is not None else self.base_s
