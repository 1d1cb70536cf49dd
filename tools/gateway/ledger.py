"""The usage ledger: one JSON line per call and per attempt, and today's spend per cap.

Rows hold time, route, provider, model, tokens, cost, latency, outcome and cache hit —
never prompt text (unless `log_prompts` is set) and never a key. Attempt rows carry what
each try cost, estimated (and marked) when the provider may bill a try that returned no
usage; the call row's `cost_usd` and `billed_tokens` are their sum.

Start-up costs the same whatever the file's size: today's totals come from a small summary
beside the ledger (`usage.jsonl.today`, rewritten every `SUMMARY_EVERY` rows and on close)
plus the rows appended after it; without a usable summary, a binary search on the rows'
timestamps finds where today starts, and only today's rows are read, in bounded chunks.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from llmwright.paths import ledger_path

from .models import Attempt, CallResult

logger = logging.getLogger("llmwright.gateway")
CHUNK = 1 << 20
SUMMARY_EVERY = 1000
SEARCH_MARGIN = 64 * 1024  # rows from several processes may be a little out of order near midnight


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def _totals() -> defaultdict[str, list[float]]:
    return defaultdict(lambda: [0.0, 0.0])


class Ledger:
    """Appends rows through one open O_APPEND descriptor and keeps today's totals per cap key.

    Totals follow the file, not just this process: before a budget check, `spent` reads
    whatever other processes appended since the last read, so several workers sharing a
    ledger share their budgets. Each record is one `write()` of whole lines, which
    O_APPEND keeps from interleaving with other writers. A failed write (disk full, file
    gone read-only) is logged; it never fails the call being recorded.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else ledger_path()
        self.summary_path = self.path.with_name(self.path.name + ".today")
        self._lock = threading.Lock()
        self._day = today()
        self._spent = _totals()  # key -> [tokens, usd], today, up to _offset
        self._offset = 0  # bytes of the file already counted in _spent
        self._counted = 0  # rows counted since the summary was last written
        self._fd: int | None = None
        self._inode: tuple[int, int] | None = None
        self._start()

    def close(self) -> None:
        with self._lock:
            self._write_summary()
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)

    # -- reading -----------------------------------------------------------------------------

    def _start(self) -> None:
        """Today's totals: from the summary when it matches this file, else from where today begins."""
        try:
            with self.path.open("rb") as handle:
                st = os.fstat(handle.fileno())
                if not self._load_summary((st.st_dev, st.st_ino), st.st_size):
                    self._offset = _day_start(handle, st.st_size, self._day)
                self._read_from(handle, st.st_size)
        except FileNotFoundError:
            return

    def _load_summary(self, inode: tuple[int, int], size: int) -> bool:
        try:
            data = json.loads(self.summary_path.read_text(encoding="utf-8"))
            if data["day"] != self._day or tuple(data["inode"]) != inode or not 0 <= int(data["offset"]) <= size:
                return False
            spent = _totals()
            for key, (tokens, usd) in data["spent"].items():
                spent[str(key)] = [float(tokens), float(usd)]
        except (OSError, ValueError, KeyError, TypeError):
            return False
        self._spent, self._offset = spent, int(data["offset"])
        return True

    def _write_summary(self) -> None:
        """Write today's totals and the offset they cover (atomically: a reader sees one or the other)."""
        if self._inode is None and not self.path.exists():
            return
        try:
            st = self.path.stat()
            data = {"day": self._day, "inode": [st.st_dev, st.st_ino], "offset": self._offset, "spent": self._spent}
            temporary = self.summary_path.with_name(f"{self.summary_path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(data), encoding="utf-8")
            temporary.replace(self.summary_path)
            self._counted = 0
        except OSError as exc:
            logger.warning("usage ledger: could not write its daily summary (%s)", exc.strerror or exc)

    def _refresh(self) -> None:
        """Count the rows appended since the last read (by anyone); whole lines only."""
        try:
            with self.path.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size == self._offset:
                    return
                if size < self._offset:  # truncated or replaced: count again from where today starts
                    self._spent = _totals()
                    self._offset = _day_start(handle, size, self._day)
                self._read_from(handle, size)
        except FileNotFoundError:
            return

    def _read_from(self, handle: IO[bytes], size: int) -> None:
        handle.seek(self._offset)
        while self._offset < size:
            chunk = handle.read(min(CHUNK, size - self._offset))
            if not chunk:
                break
            end = chunk.rfind(b"\n") + 1
            if end == 0:  # a partial line at the end (being written), or one longer than a chunk
                if len(chunk) < CHUNK:
                    break
                end = len(chunk)
            for line in chunk[:end].splitlines():
                self._count_line(line)
            self._offset += end
            handle.seek(self._offset)
        if self._counted >= SUMMARY_EVERY:
            self._write_summary()

    def _count_line(self, line: bytes) -> None:
        if b'"call"' not in line:
            return
        try:
            row = json.loads(line)
        except ValueError:
            return
        if isinstance(row, dict) and row.get("kind") == "call" and str(row.get("ts", "")).startswith(self._day):
            self._add(row)

    def _add(self, row: dict[str, Any]) -> None:
        tokens = row.get("billed_tokens")
        if tokens is None:
            tokens = (row.get("input_tokens") or 0) + (row.get("output_tokens") or 0)
        for key in (f"provider:{row.get('provider')}", f"route:{row.get('route')}"):
            self._spent[key][0] += tokens
            self._spent[key][1] += row.get("cost_usd") or 0.0
        self._counted += 1

    def spent(self, key: str) -> tuple[float, float]:
        """(tokens, usd) spent today by `provider:NAME` or `route:NAME`, across processes."""
        with self._lock:
            if today() != self._day:
                self._day, self._spent = today(), _totals()
                try:
                    with self.path.open("rb") as handle:
                        self._offset = _day_start(handle, os.fstat(handle.fileno()).st_size, self._day)
                except FileNotFoundError:
                    self._offset = 0
            self._refresh()
            tokens, usd = self._spent.get(key, [0.0, 0.0])
        return tokens, usd

    # -- writing -----------------------------------------------------------------------------

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
                self._fd = None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            st = os.fstat(self._fd)
            self._inode = (st.st_dev, st.st_ino)
            if current is None:
                self._offset = 0
        return self._fd

    def _write(self, rows: list[dict[str, Any]], call: dict[str, Any]) -> None:
        data = "".join(json.dumps(row, separators=(",", ":")) + "\n" for row in rows).encode()
        with self._lock:
            try:
                fd = self._descriptor()
                os.write(fd, data)
                end = os.lseek(fd, 0, os.SEEK_CUR)
            except OSError as exc:
                logger.error("usage ledger %s: row not written (%s)", self.path, exc.strerror or exc)
                return
            if end - len(data) == self._offset and str(call["ts"]).startswith(self._day):
                self._offset = end  # nobody else wrote since we last read: count it now
                self._add(call)
                if self._counted >= SUMMARY_EVERY:
                    self._write_summary()
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
        billed_usd = sum(a.cost_usd or 0.0 for a in attempts)
        call: dict[str, Any] = {
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
            call["cost_usd"] = round(billed_usd, 10)
        call["billed_tokens"] = sum(a.input_tokens + a.output_tokens for a in attempts)
        estimated = sum(a.cost_usd or 0.0 for a in attempts if a.estimated)
        if estimated:
            call["estimated_cost_usd"] = round(estimated, 10)
        if prompt is not None:
            call["prompt"] = prompt
        self._write([*rows, call], call)


def _line_at(handle: IO[bytes], position: int) -> tuple[int, bytes]:
    """The first whole line starting at or after `position`: (its offset, its bytes)."""
    handle.seek(position)
    if position:
        skipped = handle.readline()
        position += len(skipped)
    return position, handle.readline()


def _ts(line: bytes) -> str:
    start = line.find(b'"ts":"')
    if start < 0:
        return ""
    return line[start + 6 : start + 40].split(b'"', 1)[0].decode("ascii", "replace")


def _day_start(handle: IO[bytes], size: int, day: str) -> int:
    """Offset of a line at or before the first row of `day` (rows are appended in time order)."""
    low, high = 0, size
    while low < high:
        middle = (low + high) // 2
        offset, line = _line_at(handle, middle)
        if not line:
            high = middle
        elif _ts(line) < day:
            low = offset + len(line)
        else:
            high = middle
    if low <= SEARCH_MARGIN:
        return 0
    return _line_at(handle, low - SEARCH_MARGIN)[0]
