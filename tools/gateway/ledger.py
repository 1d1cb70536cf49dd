"""The usage ledger: one JSON line per call and per attempt, and its summary.

Rows hold time, route, provider, model, tokens, cost, latency, outcome and cache hit —
never prompt text (unless `log_prompts` is set) and never a key. Daily totals are kept
in memory, read back from the file at start, so budgets are checked without rescanning.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from tools.paths import data_dir

from .models import Attempt, CallResult


def default_ledger_path() -> Path:
    return data_dir() / "usage.jsonl"


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class Ledger:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_ledger_path()
        self._lock = threading.Lock()
        self._day = today()
        self._spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # key -> [tokens, usd]
        self._load_today()

    def _load_today(self) -> None:
        if not self.path.is_file():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if row.get("kind") == "call" and str(row.get("ts", "")).startswith(self._day):
                    self._add(row)

    def _add(self, row: dict) -> None:
        tokens = (row.get("input_tokens") or 0) + (row.get("output_tokens") or 0)
        for key in (f"provider:{row.get('provider')}", f"route:{row.get('route')}"):
            self._spent[key][0] += tokens
            self._spent[key][1] += row.get("cost_usd") or 0.0

    def spent(self, key: str) -> tuple[float, float]:
        """(tokens, usd) spent today by `provider:NAME` or `route:NAME`."""
        if today() != self._day:
            self._day, self._spent = today(), defaultdict(lambda: [0.0, 0.0])
        tokens, usd = self._spent.get(key, [0.0, 0.0])
        return tokens, usd

    def _write(self, rows: list[dict]) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write("".join(json.dumps(row, separators=(",", ":")) + "\n" for row in rows))

    def record(
        self,
        call_id: str,
        route: str | None,
        attempts: list[Attempt],
        result: CallResult | None = None,
        error: str | None = None,
        prompt: str | None = None,
    ) -> None:
        ts = datetime.now(UTC).isoformat(timespec="milliseconds")
        rows = [
            {"ts": ts, "kind": "attempt", "call_id": call_id, "route": route, **a.model_dump(exclude={"message"})}
            for a in attempts
        ]
        call: dict = {
            "ts": ts,
            "kind": "call",
            "call_id": call_id,
            "route": route,
            "outcome": "ok" if result else "error",
        }
        if result is not None:
            call.update(
                provider=result.provider,
                model=result.model,
                **result.usage.model_dump(),
                cost_usd=result.cost_usd,
                latency_ms=result.latency_ms,
                cached=result.cached,
            )
        else:
            last = attempts[-1] if attempts else None
            call.update(provider=last.provider if last else None, model=last.model if last else None, error=error)
            call["latency_ms"] = sum(a.latency_ms for a in attempts)
        if prompt is not None:
            call["prompt"] = prompt
        self._add(call)
        self._write([*rows, call])
