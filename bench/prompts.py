"""Benchmark: what the prompt library adds to a gateway call (render + JSON validation).

Run: python bench/prompts.py [--latency 0.02] [--requests 200] [--rounds 3]

Starts the fake provider (tests/support/fake_provider.py) in its own process, answering
every request with JSON that satisfies executive-summary's schema. In one run, at 1 and 20
requests in flight, it measures per-request latency and throughput of:
1. a bare `Gateway.complete` with the request already rendered by hand (the baseline);
2. `run_prompt` on the `executive-summary` template: strict Jinja2 render, the same
   gateway call, then JSON parsing and `jsonschema` validation of the answer.
Cache and ledger are off on both sides. It prints run_prompt/bare ratios of p50 latency,
throughput and client CPU per request (the steadiest figure on a busy machine), and the
cost of render and validation alone in microseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import drive  # noqa: E402

from llmwright.config import Config  # noqa: E402
from llmwright.gateway import Gateway  # noqa: E402
from llmwright.prompts import (  # noqa: E402
    build_request,
    check_output,
    load_library,
    render,
    run_prompt,
)
from tests.prompts.support import valid_summary  # noqa: E402
from tests.support.fake_provider import FakeProvider  # noqa: E402

MODEL = "openai:gpt-4o-mini"
LEVELS = (1, 20)
TEMPLATE = load_library().get("executive-summary")


def findings(i: int) -> dict[str, str]:
    return {"findings": f"Run {i}: p95 latency of checkout rose from 2.1 s to 4.3 s after the model switch."}


async def measure(gateway: Gateway, concurrency: int, total: int) -> tuple[dict[str, float], dict[str, float]]:
    # The baseline's requests are rendered before the clock starts: what a hand-written call costs.
    prepared = {i: build_request(TEMPLATE, render(TEMPLATE, findings(i))) for i in range(-10, total)}

    async def bare_prepared(i: int) -> object:
        return await gateway.complete(prepared[i], MODEL)

    async def library(i: int) -> object:
        result = await run_prompt(gateway, TEMPLATE, findings(i), model=MODEL, use_cache=False)
        assert result.ok, result.reason
        return result

    bare = await drive(bare_prepared, concurrency, total, warmup=10)  # `prepared` holds ids -10 … -1 for warm-up
    return bare, await drive(library, concurrency, total, warmup=10)


def row(name: str, f: dict[str, float]) -> str:
    return f"  {name:<12} {f['rps']:>8.1f} req/s   p50 {f['p50']:>7.2f} ms   client CPU {f['cpu_ms']:.2f} ms/req"


def micro() -> tuple[float, float]:
    """Microseconds per render and per validation of one answer."""
    answer = valid_summary()
    n = 2000
    render_us = timeit.timeit(lambda: render(TEMPLATE, findings(1)), number=n) / n * 1e6
    schema = TEMPLATE.output_schema or {}
    validate_us = timeit.timeit(lambda: check_output(answer, schema), number=n) / n * 1e6
    return render_us, validate_us


async def run(latency: float, requests: int, rounds: int) -> None:
    os.environ.setdefault("OPENAI_API_KEY", "bench-key")
    fake = FakeProvider(answer=valid_summary(), latency=latency).start_process()
    config = Config.model_validate(
        {
            "providers": {"openai": {"base_url": fake.url("p1"), "rpm": 10_000_000, "timeout_s": 30}},
            "cache": {"backend": "off"},
            "gateway": {"ledger": False},
        }
    )
    try:
        print(f"fake provider think time {latency * 1000:.0f} ms; python {sys.version.split()[0]}")
        render_us, validate_us = micro()
        print(f"render {render_us:.0f} µs, parse + validate {validate_us:.0f} µs per call (executive-summary)")
        async with Gateway(config) as gateway:
            for level in LEVELS:
                total = requests if level > 1 else max(requests // 2, 50)
                bares, libs, ratios = [], [], []
                for _ in range(rounds):  # alternate, so load from elsewhere hits both sides alike
                    b, lib = await measure(gateway, level, total)
                    bares.append(b)
                    libs.append(lib)
                    ratios.append(lib["p50"] / b["p50"])
                b = {k: statistics.median(r[k] for r in bares) for k in bares[0]}
                lib = {k: statistics.median(r[k] for r in libs) for k in libs[0]}
                print(f"concurrency {level} ({total} requests, median of {rounds} rounds)")
                print(row("bare gateway", b))
                print(row("run_prompt", lib))
                print(
                    f"  run_prompt/bare p50 {statistics.median(ratios):.3f} (rounds: "
                    + ", ".join(f"{r:.3f}" for r in ratios)
                    + f"), +{lib['p50'] - b['p50']:.2f} ms per call; throughput {lib['rps'] / b['rps']:.3f}; "
                    + f"client CPU {lib['cpu_ms'] / b['cpu_ms']:.3f} (+{lib['cpu_ms'] - b['cpu_ms']:.2f} ms/req)"
                )
    finally:
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.02, help="fake server think time per request (s)")
    parser.add_argument("--requests", type=int, default=200, help="requests per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/run_prompt rounds per level")
    args = parser.parse_args()
    asyncio.run(run(args.latency, args.requests, args.rounds))


if __name__ == "__main__":
    main()
