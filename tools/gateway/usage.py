"""`llmwright usage` and `usage_report`: the ledger summarised."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, Field

from .ledger import default_ledger_path


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
    per_model: list[ModelUsage] = Field(default_factory=list)
    per_day: dict[str, float] = Field(default_factory=dict, description="cost in USD per UTC day")


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 1)


def summarise(path: str | Path | None = None, since: str | None = None) -> UsageSummary:
    """Totals of the ledger, optionally from an ISO date (`since`) on."""
    ledger = Path(path) if path else default_ledger_path()
    summary = UsageSummary(ledger=str(ledger))
    latencies: list[float] = []
    models: dict[str, ModelUsage] = {}
    days: dict[str, float] = defaultdict(float)
    if ledger.is_file():
        for line in ledger.read_text(encoding="utf-8").splitlines():
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
    summary.latency_ms_p50 = percentile(latencies, 0.50)
    summary.latency_ms_p95 = percentile(latencies, 0.95)
    summary.latency_ms_p99 = percentile(latencies, 0.99)
    summary.per_model = sorted(models.values(), key=lambda m: -m.calls)
    summary.per_day = dict(sorted(days.items()))
    return summary
