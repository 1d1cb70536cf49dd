"""Real latency and error rates from the usage ledger, to replace the table's estimates.

The gateway writes one `attempt` row per try of a model (`tools/gateway/ledger.py`). A
model with at least `MIN_CALLS` attempts in the ledger's last `WINDOW_DAYS` gets its
measured p95 (from answered attempts) and its error rate used in ranking, in place of the
latency table's estimate (or of having no latency data at all). Decisions, so the same
ledger always gives the same answer:

- The window ends at the ledger's newest row, not at today: a recommendation is
  reproducible from the file alone, and the output names the dates it covers.
- Only the file's last `TAIL_BYTES` (about 5,000 calls) are read, parsed in one
  `json.loads`, so a ledger of any size costs about 10 ms; the result is memoised per
  file version, so later calls in the same process cost nothing.
- Errors are retryable failures (rate limits, overload, outages, timeouts); a rejected
  request (bad request, auth, context too long, refusal) says nothing about the model's
  health, and skipped attempts (open breaker, no key, budget) were never sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import Catalog
from ..errors import LLMWrightError
from ..usage import percentile

if TYPE_CHECKING:
    from ..config import Config

WINDOW_DAYS = 7
MIN_CALLS = 20
TAIL_BYTES = 2 * 1024 * 1024
NOT_THE_MODELS_FAULT = {"BadRequest", "AuthFailed", "ContextTooLong", "ContentRefused"}


@dataclass(frozen=True)
class Measured:
    ref: str
    calls: int  # attempts that reached the provider and count toward the error rate
    errors: int
    p50_s: float | None
    p95_s: float | None
    since: str  # ISO time of the oldest row used
    until: str  # and of the newest

    @property
    def error_rate(self) -> float:
        return round(self.errors / self.calls, 4) if self.calls else 0.0


def configured_ledger(config: Config) -> Path | None:
    """The ledger the gateway writes under this configuration; None when the ledger is off."""
    return config.gateway.ledger_file()


def _tail_rows(path: Path) -> list[dict]:
    """Attempt rows, newest first, from the end of the file."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - TAIL_BYTES))
        data = handle.read()
    lines = data.split(b"\n")
    if size > TAIL_BYTES:
        lines = lines[1:]  # the first line is cut
    lines = [line for line in lines if b"attempt" in line]
    try:  # one parse for the whole batch: per-line json.loads costs three times as much
        parsed = json.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:  # a torn or foreign line somewhere: parse line by line, skipping it
        parsed = []
        for line in lines:
            try:
                parsed.append(json.loads(line))
            except ValueError:
                continue
    return [row for row in reversed(parsed) if isinstance(row, dict) and row.get("kind") == "attempt"]


def _cutoff(newest: str, days: int) -> str:
    try:
        return (datetime.fromisoformat(newest) - timedelta(days=days)).isoformat(timespec="milliseconds")
    except ValueError:
        return ""


def _p(values: list[float], q: int) -> float | None:
    """The q-th percentile of latencies in ms, in seconds."""
    ms = percentile(values, q)
    return None if ms is None else round(ms / 1000, 3)


def _measure(path: Path, catalog: Catalog, window_days: int, min_calls: int) -> dict[str, Measured]:
    rows = _tail_rows(path)
    if not rows:
        return {}
    cutoff = _cutoff(str(rows[0].get("ts", "")), window_days)
    refs: dict[tuple[str, str], str | None] = {}
    latencies: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}  # ref -> [calls, errors]
    spans: dict[str, list[str]] = {}  # ref -> [oldest, newest]
    for row in rows:
        ts = str(row.get("ts", ""))
        if ts < cutoff:
            break
        outcome, error = row.get("outcome"), row.get("error")
        if outcome not in ("ok", "error") or (outcome == "error" and error in NOT_THE_MODELS_FAULT):
            continue
        key = (str(row.get("provider")), str(row.get("model")))
        if key not in refs:
            try:
                refs[key] = catalog.resolve(f"{key[0]}:{key[1]}").ref
            except LLMWrightError:
                refs[key] = None  # a model the catalog does not know: nothing to override
        ref = refs[key]
        if ref is None:
            continue
        count = counts.setdefault(ref, [0, 0])
        count[0] += 1
        count[1] += outcome == "error"
        if outcome == "ok" and isinstance(row.get("latency_ms"), int | float):
            latencies.setdefault(ref, []).append(float(row["latency_ms"]))
        span = spans.setdefault(ref, [ts, ts])
        span[0] = min(span[0], ts)
    return {
        ref: Measured(
            ref=ref,
            calls=calls,
            errors=errors,
            p50_s=_p(latencies.get(ref, []), 50),
            p95_s=_p(latencies.get(ref, []), 95),
            since=spans[ref][0],
            until=spans[ref][1],
        )
        for ref, (calls, errors) in sorted(counts.items())
        if calls >= min_calls
    }


_memo: dict[tuple, dict[str, Measured]] = {}


def load_measured(
    path: str | Path | None, catalog: Catalog, *, window_days: int = WINDOW_DAYS, min_calls: int = MIN_CALLS
) -> dict[str, Measured]:
    """Measured figures per catalog ref, for models with enough recent attempts; {} without a ledger."""
    if path is None:
        return {}
    file = Path(path)
    try:
        stat = file.stat()
    except OSError:
        return {}
    key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size, window_days, min_calls, catalog.data_version)
    if key not in _memo:
        _memo.clear()  # one ledger version is enough to keep
        _memo[key] = _measure(file, catalog, window_days, min_calls)
    return _memo[key]
