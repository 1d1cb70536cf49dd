"""What the request benchmarks share: drive calls at a concurrency and summarise them.

Client CPU per request (`process_time`, the server runs in another process) is reported
beside throughput because it stays steady when the machine is busy and throughput does not.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable


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
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    ordered = sorted(latencies)
    return {
        "rps": len(latencies) / elapsed,
        "cpu_ms": cpu / len(latencies) * 1000,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
    }


def median_of(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Per-figure medians over alternating rounds."""
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
