"""Retry timing: exponential backoff with full jitter, honouring the provider's Retry-After.

Full jitter (a uniform draw between 0 and the exponential cap) spreads the retries of many
clients that failed together, so they do not hit the recovering provider in lockstep.
A provider's Retry-After is a floor on the wait, capped so a hostile or buggy header
cannot park a request; a wait that would pass the deadline is not taken at all — the
chain moves on instead.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .errors import RetryableError


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    base_s: float = 0.5
    max_s: float = 20.0
    retry_after_max_s: float = 30.0

    @property
    def max_attempts(self) -> int:
        return self.max_retries + 1

    def delay(self, retry: int, error: RetryableError) -> float:
        """Seconds to wait before retry number `retry` (0-based) after `error`."""
        jitter = random.uniform(0, min(self.max_s, self.base_s * 2**retry))
        if error.retry_after is not None:
            return max(min(error.retry_after, self.retry_after_max_s), jitter)
        return jitter
