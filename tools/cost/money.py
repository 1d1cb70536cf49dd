"""Dollar amounts as people read them: enough digits for a fraction of a cent, cents for large sums."""

from __future__ import annotations

import math


def format_usd(value: float | None) -> str:
    """`$0.00000026`, `$0.000150`, `$1.2345`, `$3,027.00`; `-` when unknown (never a silent `$0`)."""
    if value is None:
        return "-"
    if value == 0:
        return "$0"
    if value < 0.000001:  # an embedding call: two significant digits, never a `$0.000000` that reads as free
        return f"${value:.{1 - math.floor(math.log10(value))}f}"
    if value < 0.01:
        return f"${value:.6f}"
    return f"${value:,.2f}" if value >= 100 else f"${value:,.4f}"
