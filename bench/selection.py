"""Benchmark: model selection speed, and what the eval runner adds over bare gateway calls.

(Named selection.py, not select.py: a script beside it named select.py would shadow the
standard library module that asyncio imports.)

Run: python bench/selection.py [--runs 50] [--cases 100] [--latency 0.02] [--concurrency 8] [--rounds 5]

1. `recommend()` — median of N runs: with no ledger; with a 200,000-row usage ledger read
   afresh each run (the first call of a process); and with that ledger memoised (every
   later call); and the heaviest requirements (a latency budget that nothing meets, so the
   binding constraints are worked out and ranked). The issue's budget is 100 ms.
2. An eval run (`evaluate_models`: every case on three candidates, scored, Pareto-marked)
   against the fake provider in its own process, versus the same calls made directly
   through `Gateway.complete` by the same number of workers; both with the cache off and
   the ledger on. It prints eval/direct wall time: the runner's overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from llmwright.catalog import get_catalog  # noqa: E402
from llmwright.config import Config  # noqa: E402
from llmwright.gateway import Gateway  # noqa: E402
from llmwright.select import Requirements, recommend  # noqa: E402
from llmwright.select import measured as measured_module  # noqa: E402
from llmwright.select.evaluate import evaluate_models, inline_cases  # noqa: E402
from tests.support.fake_provider import FakeProvider  # noqa: E402

REQUIREMENTS = Requirements(
    task="classify support tickets into 12 categories",
    requests_per_day=2_000_000,
    max_cost_per_day=200,
    needs=["structured_output"],
)
NOTHING_FITS = Requirements(task="voice assistant answering short spoken questions", latency_p95_s=2)
CANDIDATES = ["openai:gpt-4o-mini", "openai:gpt-4o", "groq:qwen/qwen3-32b"]
LEDGER_MODELS = [("openai", "gpt-4o-mini"), ("openai", "gpt-5.6-luna"), ("anthropic", "claude-haiku-4-5")]


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def write_ledger(path: Path, rows: int) -> None:
    """`rows` attempt+call pairs in the gateway's format, one a minute up to now."""
    end = datetime.now(UTC)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(rows // 2):
            provider, model = LEDGER_MODELS[i % len(LEDGER_MODELS)]
            ts = (end - timedelta(minutes=rows // 2 - i)).isoformat(timespec="milliseconds")
            outcome = "error" if i % 17 == 0 else "ok"
            error = "ProviderUnavailable" if outcome == "error" else None
            attempt = {"ts": ts, "kind": "attempt", "call_id": f"c{i}", "route": None, "provider": provider}
            attempt.update(model=model, outcome=outcome, error=error, latency_ms=400.0 + i % 300)
            call = {"ts": ts, "kind": "call", "call_id": f"c{i}", "route": None, "outcome": outcome}
            call.update(provider=provider, model=model, input_tokens=400, output_tokens=10, latency_ms=401.0)
            handle.write(json.dumps(attempt, separators=(",", ":")) + "\n")
            handle.write(json.dumps(call, separators=(",", ":")) + "\n")


def bench_recommend(runs: int) -> None:
    catalog = get_catalog()
    recommend(REQUIREMENTS, catalog)  # load the catalog and quality table once, as a process would
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "usage.jsonl"
        write_ledger(ledger, 200_000)
        size_mb = ledger.stat().st_size / 1e6
        plain = median_ms(lambda: recommend(REQUIREMENTS, catalog), runs)

        def cold() -> None:
            measured_module._memo.clear()
            recommend(REQUIREMENTS, catalog, ledger=ledger)

        fresh = median_ms(cold, runs)
        warm = median_ms(lambda: recommend(REQUIREMENTS, catalog, ledger=ledger), runs)
        overridden = len(recommend(REQUIREMENTS, catalog, ledger=ledger).measured)
        binding = median_ms(lambda: recommend(NOTHING_FITS, catalog), runs)
    print(f"recommend(), median of {runs} runs")
    print(f"  no ledger                         {plain:7.1f} ms")
    print(f"  200,000-row ledger ({size_mb:.0f} MB), read  {fresh:7.1f} ms   ({overridden} models overridden)")
    print(f"  same ledger, memoised             {warm:7.1f} ms")
    print(f"  nothing fits: binding constraints {binding:7.1f} ms")
    print(f"  ledger read / no ledger {fresh / plain:.2f}x; binding / no ledger {binding / plain:.2f}x")
    worst = max(plain, fresh, warm, binding)
    print(f"  slowest {worst:.1f} ms; budget 100 ms: {'ok' if worst < 100 else 'OVER'}")


def _cases(n: int) -> list[dict]:
    labels = ["billing", "bug", "account", "other"]
    return [
        {"id": f"t{i}", "input": f"Classify ticket {i}: I was charged twice", "one_of": labels, "label": labels[i % 4]}
        for i in range(n)
    ]


def _config(fake: FakeProvider, ledger: Path) -> Config:
    link = {"rpm": 10_000_000, "max_retries": 2, "timeout_s": 30}
    return Config.model_validate(
        {
            "providers": {"openai": {**link, "base_url": fake.url("p1")}, "groq": {**link, "base_url": fake.url("p4")}},
            "cache": {"backend": "off"},
            "gateway": {"ledger_path": str(ledger)},
        }
    )


async def _warm(gateway: Gateway) -> None:
    for ref in CANDIDATES:  # connection pools and SDK clients, outside both timings
        await asyncio.gather(*(gateway.complete(f"warm {ref} {i}", ref) for i in range(8)))


async def direct(fake: FakeProvider, cases: list, concurrency: int, ledger: Path) -> float:
    async with Gateway(_config(fake, ledger)) as gateway:
        await _warm(gateway)
        jobs = iter([(case.request, ref) for case in cases for ref in CANDIDATES])

        async def worker() -> None:
            for request, ref in jobs:
                await gateway.complete(request, ref)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


async def through_eval(fake: FakeProvider, cases: list, concurrency: int, ledger: Path) -> float:
    async with Gateway(_config(fake, ledger)) as gateway:
        await _warm(gateway)
        started = time.perf_counter()
        report = await evaluate_models(cases, CANDIDATES, gateway, concurrency=concurrency)
        elapsed = time.perf_counter() - started
        assert all(c.status == "ok" for c in report.candidates), report.verdict
        return elapsed


async def bench_eval(n_cases: int, latency: float, concurrency: int, rounds: int) -> None:
    os.environ.setdefault("OPENAI_API_KEY", "bench-key")
    os.environ.setdefault("GROQ_API_KEY", "bench-key")
    fake = FakeProvider(latency=latency).start_process()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ledger = Path(tmp) / "usage.jsonl"
            cases = inline_cases(_cases(n_cases))
            d, e = [], []
            for _ in range(rounds):  # interleaved, so drift on a shared machine hits both alike
                d.append(await direct(fake, cases, concurrency, ledger))
                e.append(await through_eval(fake, cases, concurrency, ledger))
    finally:
        fake.stop()
    calls = n_cases * len(CANDIDATES)
    bare, ours = statistics.median(d), statistics.median(e)
    print(
        f"eval run: {n_cases} cases x {len(CANDIDATES)} candidates = {calls} calls, concurrency {concurrency}, "
        f"fake think time {latency * 1000:.0f} ms, median of {rounds}"
    )
    print(f"  Gateway.complete loop  {bare:6.2f} s  ({calls / bare:6.1f} calls/s)")
    print(f"  evaluate_models        {ours:6.2f} s  ({calls / ours:6.1f} calls/s)")
    print(f"  eval/direct wall time {ours / bare:.3f} (eval overhead {ours / bare - 1:+.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50, help="recommend() runs per measurement")
    parser.add_argument("--cases", type=int, default=100, help="eval cases (each run on 3 candidates)")
    parser.add_argument("--latency", type=float, default=0.02, help="fake server think time per request (s)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5, help="eval and direct runs, interleaved; medians compared")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; catalog {get_catalog().data_version}")
    bench_recommend(args.runs)
    asyncio.run(bench_eval(args.cases, args.latency, args.concurrency, args.rounds))


if __name__ == "__main__":
    main()
