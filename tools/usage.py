"""What calls used, shared by the gateway, cost, selection and the front doors.

`Usage` is one call's tokens; `summarise` reads the gateway's usage ledger for `llmwright usage`
and `usage_report`; `percentile` is the one definition every latency figure uses, so the same
ledger gives the same p95 wherever it is shown.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, Field

from .errors import InvalidInput
from .paths import ledger_path

DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)", re.IGNORECASE)
UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(value: str, now: datetime | None = None) -> str:
    """`since` in the ledger's timestamp form (UTC ISO 8601), from an ISO date or time (UTC unless it
    names an offset) or a duration back from now: `90m`, `24h`, `7d`, `2w`."""
    text = value.strip()
    shown = text if len(text) <= 40 else text[:40] + "…"
    when: datetime | None = None
    if match := DURATION.fullmatch(text):
        amount, unit = float(match.group(1)), match.group(2)[0].lower()
        try:
            when = (now or datetime.now(UTC)) - timedelta(seconds=amount * UNIT_SECONDS[unit])
        except OverflowError:
            when = datetime.min.replace(tzinfo=UTC)  # further back than any ledger: everything
    else:
        try:
            when = datetime.fromisoformat(text) if "T" in text or " " in text else None
            if when is None:
                when = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            when = None
    if when is None:
        raise InvalidInput(
            f"since {shown!r} is neither an ISO date or time (2026-11-01, 2026-11-01T09:00:00Z) "
            "nor a duration back from now (90m, 24h, 7d, 2w)"
        )
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


class Usage(BaseModel):
    """Tokens of one call. `input_tokens` includes cache reads and writes; `output_tokens` includes reasoning."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between closest ranks, None for no values.

    The "inclusive" method (numpy's default, `statistics.quantiles(method="inclusive")`): the
    result always lies within the observed values, and one value is its own percentile.
    """
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * min(max(q, 0.0), 100.0) / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


class ModelUsage(BaseModel):
    model: str
    calls: int
    errors: int
    input_tokens: int
    output_tokens: int
    cost_usd: float


class UsageSummary(BaseModel):
    ledger: str
    calls: int = 0
    errors: int = 0
    error_rate: float = 0.0
    cache_hits: int = 0
    cache_hit_rate: float = 0.0
    attempts: int = 0
    latency_ms_p50: float | None = None
    latency_ms_p95: float | None = None
    latency_ms_p99: float | None = None
    cost_usd: float = 0.0
    estimated_cost_usd: float = Field(
        0.0, description="part of cost_usd estimated: attempts the provider may bill that returned no usage"
    )
    per_model: list[ModelUsage] = Field(default_factory=list)
    per_day: dict[str, float] = Field(default_factory=dict, description="cost in USD per UTC day")


def _ledger_lines(ledger: Path) -> list[str]:
    """The ledger's lines; a file that is not text (binary, not UTF-8) is refused, not skipped."""
    try:
        data = ledger.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the ledger {ledger}: {exc.strerror or exc}") from exc
    if b"\x00" in data[:8192]:
        raise InvalidInput(f"{ledger} is binary, not a usage ledger (the JSON lines the gateway writes)")
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{ledger} is not a usage ledger (not UTF-8 at byte {exc.start})") from exc


def summarise(path: str | Path | None = None, since: str | None = None) -> UsageSummary:
    """Totals of the ledger, optionally from `since` on (an ISO date or time, or a duration: see `parse_since`).

    A ledger not written yet has no calls; one that is not a ledger (binary, not UTF-8, a directory) is refused.
    """
    if since is not None:
        since = parse_since(since)
    ledger = Path(path) if path else ledger_path()
    if ledger.exists() and not ledger.is_file():
        raise InvalidInput(f"{ledger} is a directory, not a usage ledger")
    summary = UsageSummary(ledger=str(ledger))
    latencies: list[float] = []
    models: dict[str, ModelUsage] = {}
    days: dict[str, float] = defaultdict(float)
    if ledger.is_file():
        for line in _ledger_lines(ledger):
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if since and str(row.get("ts", "")) < since:
                continue
            if row.get("kind") == "attempt":
                summary.attempts += 1
                continue
            if row.get("kind") != "call":
                continue
            summary.calls += 1
            ok = row.get("outcome") == "ok"
            summary.errors += not ok
            summary.cache_hits += bool(row.get("cached"))
            cost = row.get("cost_usd") or 0.0
            summary.cost_usd += cost
            summary.estimated_cost_usd += row.get("estimated_cost_usd") or 0.0
            days[str(row.get("ts", ""))[:10]] += cost
            if row.get("latency_ms") is not None and not row.get("cached"):
                latencies.append(float(row["latency_ms"]))
            ref = f"{row.get('provider')}:{row.get('model')}"
            entry = models.setdefault(
                ref, ModelUsage(model=ref, calls=0, errors=0, input_tokens=0, output_tokens=0, cost_usd=0)
            )
            entry.calls += 1
            entry.errors += not ok
            entry.input_tokens += row.get("input_tokens") or 0
            entry.output_tokens += row.get("output_tokens") or 0
            entry.cost_usd += cost
    if summary.calls:
        summary.error_rate = round(summary.errors / summary.calls, 4)
        summary.cache_hit_rate = round(summary.cache_hits / summary.calls, 4)
    summary.latency_ms_p50 = _rounded(percentile(latencies, 50))
    summary.latency_ms_p95 = _rounded(percentile(latencies, 95))
    summary.latency_ms_p99 = _rounded(percentile(latencies, 99))
    summary.per_model = sorted(models.values(), key=lambda m: -m.calls)
    summary.per_day = dict(sorted(days.items()))
    return summary
