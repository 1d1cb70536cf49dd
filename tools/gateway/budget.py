"""Daily caps on tokens and dollars, per route and per provider, checked before a call is sent.

The check uses the ledger's running totals plus this call's estimate (prompt tokens and
the requested output cap), so a call that *would* pass a cap is refused before any money
is spent — not discovered afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BudgetExceeded
from .ledger import Ledger


@dataclass(frozen=True)
class Cap:
    key: str  # "provider:NAME" or "route:NAME"
    daily_usd: float | None
    daily_tokens: int | None


def check(ledger: Ledger, caps: list[Cap], tokens: int, usd: float | None, warn_at: float) -> list[str]:
    """Raise `BudgetExceeded` naming the first cap this call would pass; return warnings past `warn_at`."""
    warnings: list[str] = []
    for cap in caps:
        used_tokens, used_usd = ledger.spent(cap.key)
        if cap.daily_tokens is not None:
            if used_tokens + tokens > cap.daily_tokens:
                raise BudgetExceeded(f"{cap.key} daily_tokens", used_tokens, cap.daily_tokens, tokens)
            if used_tokens + tokens >= warn_at * cap.daily_tokens:
                warnings.append(f"{cap.key}: {used_tokens + tokens:g} of {cap.daily_tokens:g} daily tokens")
        if cap.daily_usd is not None and usd is not None:
            if used_usd + usd > cap.daily_usd:
                raise BudgetExceeded(f"{cap.key} daily_usd", round(used_usd, 6), cap.daily_usd, round(usd, 6))
            if used_usd + usd >= warn_at * cap.daily_usd:
                warnings.append(f"{cap.key}: ${used_usd + usd:.4f} of ${cap.daily_usd:g} daily budget")
    return warnings
