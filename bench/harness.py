"""What the request benchmarks share: drive calls at a concurrency and summarise them.

Client CPU per request (`process_time`, the server runs in another process) is reported
beside throughput because it stays steady when the machine is busy and throughput does not.
The part of it spent in the garbage collector is measured apart (`gc_ms`, from `gc.callbacks`):
at hundreds of calls in flight many objects live long enough to reach the older generations,
whose collections walk every object the process holds — the SDKs alone hold about a million.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable


class GcTimer:
    """Wall time spent in collections of each generation while it is installed."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._started

    def __enter__(self) -> GcTimer:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


async def drive(
    call: Callable[[int], Awaitable[object]], concurrency: int, total: int, warmup: int = 20
) -> dict[str, float]:
    """Run `total` calls `concurrency` at a time after warming the connection pool with negative ids."""
    latencies: list[float] = []
    counter = iter(range(total))

    async def worker() -> None:
        for i in counter:
            started = time.perf_counter()
            await call(i)
            latencies.append(time.perf_counter() - started)

    for i in range(min(concurrency, warmup)):
        await call(-i - 1)
    gc.collect()  # every measurement starts from the same heap, not from the previous one's garbage
    with GcTimer() as collections:
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    ordered = sorted(latencies)
    return {
        "rps": len(latencies) / elapsed,
        "cpu_ms": cpu / len(latencies) * 1000,
        "gc_ms": sum(collections.seconds) / len(latencies) * 1000,
        "gc2_ms": collections.seconds[2] / len(latencies) * 1000,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
    }


def median_of(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Per-figure medians over alternating rounds."""
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
