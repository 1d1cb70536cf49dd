"""The usage ledger: one JSON line per call and per attempt, and its summary.

Rows hold time, route, provider, model, tokens, cost, latency, outcome and cache hit —
never prompt text (unless `log_prompts` is set) and never a key. Daily totals are kept
in memory, read back from the file at start, so budgets are checked without rescanning.
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from llmwright.paths import ledger_path

from .models import Attempt, CallResult


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class Ledger:
    """Appends rows through one open O_APPEND descriptor and keeps today's totals per cap key.

    Totals follow the file, not just this process: before a budget check, `spent` reads
    whatever other processes appended since the last read, so several workers sharing a
    ledger share their budgets. Each record is one `write()` of whole lines, which
    O_APPEND keeps from interleaving with other writers.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else ledger_path()
        self._lock = threading.Lock()
        self._day = today()
        self._spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # key -> [tokens, usd]
        self._offset = 0  # bytes of the file already counted in _spent
        self._fd: int | None = None
        self._inode: tuple[int, int] | None = None
        self._refresh()

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __del__(self) -> None:
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)  # type: ignore[arg-type]

    def _refresh(self) -> None:
        """Count the rows appended since the last read (by anyone); whole lines only."""
        try:
            with self.path.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < self._offset:  # truncated or replaced: count again from the start
                    self._offset, self._spent = 0, defaultdict(lambda: [0.0, 0.0])
                handle.seek(self._offset)
                chunk = handle.read()
        except FileNotFoundError:
            return
        end = chunk.rfind(b"\n") + 1
        for line in chunk[:end].splitlines():
            self._count_line(line)
        self._offset += end

    def _count_line(self, line: bytes) -> None:
        try:
            row = json.loads(line)
        except ValueError:
            return
        if isinstance(row, dict) and row.get("kind") == "call" and str(row.get("ts", "")).startswith(self._day):
            self._add(row)

    def _add(self, row: dict) -> None:
        tokens = (row.get("input_tokens") or 0) + (row.get("output_tokens") or 0)
        for key in (f"provider:{row.get('provider')}", f"route:{row.get('route')}"):
            self._spent[key][0] += tokens
            self._spent[key][1] += row.get("cost_usd") or 0.0

    def spent(self, key: str) -> tuple[float, float]:
        """(tokens, usd) spent today by `provider:NAME` or `route:NAME`, across processes."""
        with self._lock:
            if today() != self._day:
                self._day, self._spent = today(), defaultdict(lambda: [0.0, 0.0])
                self._offset = 0
            self._refresh()
            tokens, usd = self._spent.get(key, [0.0, 0.0])
        return tokens, usd

    def _descriptor(self) -> int:
        """The open append descriptor, reopened when the file was moved or deleted (log rotation)."""
        try:
            st = self.path.stat()
            current = (st.st_dev, st.st_ino)
        except FileNotFoundError:
            current = None
        if self._fd is None or current != self._inode:
            if self._fd is not None:
                os.close(self._fd)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            st = os.fstat(self._fd)
            self._inode = (st.st_dev, st.st_ino)
            if current is None:
                self._offset = 0
        return self._fd

    def _write(self, rows: list[dict], call: dict) -> None:
        data = "".join(json.dumps(row, separators=(",", ":")) + "\n" for row in rows).encode()
        with self._lock:
            fd = self._descriptor()
            os.write(fd, data)
            end = os.lseek(fd, 0, os.SEEK_CUR)
            if end - len(data) == self._offset:  # nobody else wrote since we last read: count it now
                self._offset = end
                self._add(call)
            # else: other writers got in between; the next refresh counts their rows and ours

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
        self._write([*rows, call], call)
