"""Benchmark: llmwright's gateway against the bare `openai` SDK (and LiteLLM when installed).

Run: python bench/gateway.py [--latency 0.05] [--requests 400] [--rounds 5] [--levels 1,50,200,1000]

Starts the fake provider (tests/support/fake_provider.py) in its own process, then, at 1, 50,
200 and 1,000 requests in flight, measures requests/second, p50/p99 latency and client CPU
per request of:
1. the bare official `openai` SDK (`max_retries=0`), the baseline;
2. the gateway with a two-link fallback chain (openai → groq preset, both on the fake
   server), retries, a rate limiter set high, the breaker and the usage ledger on, cache off;
3. LiteLLM's `Router` with the same fallback, when `litellm` is installed.
Bare and gateway rounds alternate, so load from elsewhere on the machine hits both alike;
each level prints the median gateway/bare throughput ratio with every round's ratio (the
spread), and the client CPU each side spends per request. The goal is >= 0.9x at every level.
Last, the import time of `llmwright.gateway` in a fresh interpreter (median of 7), against
`import openai` measured the same way. `--latency` is the fake server's think time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import drive, median_of  # noqa: E402

from llmwright.config import Config  # noqa: E402
from llmwright.gateway import CallRequest, Gateway  # noqa: E402
from tests.support.fake_provider import FakeProvider  # noqa: E402

MODEL = "gpt-4o-mini"
LEVELS = (1, 50, 200, 1000)
TIMEOUT_S = 300.0


def messages(i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"benchmark request {i}"}]


async def bare(fake: FakeProvider, concurrency: int, total: int) -> dict[str, float]:
    import openai

    # One timeout for connecting too: at 1,000 in flight on a busy machine a connect can take seconds.
    client = openai.AsyncOpenAI(api_key="bench", base_url=fake.url("p1"), max_retries=0, timeout=TIMEOUT_S)
    try:
        return await drive(
            lambda i: client.chat.completions.create(model=MODEL, messages=messages(i)), concurrency, total
        )
    finally:
        await client.close()


async def gateway(fake: FakeProvider, concurrency: int, total: int, ledger: Path) -> dict[str, float]:
    link = {"rpm": 10_000_000, "max_retries": 2, "fail_max": 5, "timeout_s": TIMEOUT_S}
    config = Config.model_validate(
        {
            "providers": {"openai": {**link, "base_url": fake.url("p1")}, "groq": {**link, "base_url": fake.url("p4")}},
            "cache": {"backend": "off"},
            "gateway": {"ledger_path": str(ledger), "deadline_s": 2 * TIMEOUT_S},
        }
    )
    async with Gateway(config) as gw:
        chain = [f"openai:{MODEL}", f"groq:{MODEL}"]
        await gw.targets(chain)

        async def call(i: int) -> object:
            return await gw.complete(CallRequest(messages=messages(i)), chain[0], fallback=chain[1:])

        return await drive(call, concurrency, total)


async def litellm_router(fake: FakeProvider, concurrency: int, total: int) -> dict[str, float] | None:
    try:
        from litellm import Router
    except ImportError:
        return None
    router = Router(
        model_list=[
            {
                "model_name": "primary",
                "litellm_params": {"model": f"openai/{MODEL}", "api_base": fake.url("p1"), "api_key": "b"},
            },
            {
                "model_name": "backup",
                "litellm_params": {"model": f"openai/{MODEL}", "api_base": fake.url("p4"), "api_key": "b"},
            },
        ],
        fallbacks=[{"primary": ["backup"]}],
        num_retries=2,
    )
    return await drive(lambda i: router.acompletion(model="primary", messages=messages(i)), concurrency, total)


def row(name: str, figures: dict[str, float]) -> str:
    return (
        f"  {name:<10} {figures['rps']:>9.1f} req/s   p50 {figures['p50']:>7.1f} ms   p99 {figures['p99']:>7.1f} ms"
        f"   client CPU {figures['cpu_ms']:.2f} ms/req (GC {figures['gc_ms']:.2f}, full GC {figures['gc2_ms']:.2f})"
    )


def import_ms(module: str, runs: int = 7) -> float:
    """Median wall time of `import module` in a fresh interpreter (what a CLI or a worker pays)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    return statistics.median(times) * 1000


async def level_rounds(fake: FakeProvider, level: int, total: int, rounds: int, ledger: Path) -> None:
    bares, gateways, lites, ratios = [], [], [], []
    for _ in range(rounds):  # alternate, so load from elsewhere hits both sides alike
        bares.append(await bare(fake, level, total))
        gateways.append(await gateway(fake, level, total, ledger))
        ratios.append(gateways[-1]["rps"] / bares[-1]["rps"])
        lite_round = await litellm_router(fake, level, total)
        if lite_round is not None:
            lites.append(lite_round)
    b, g = median_of(bares), median_of(gateways)
    lite = median_of(lites) if lites else None
    print(f"concurrency {level} ({total} requests, median of {rounds} alternating rounds)")
    print(row("bare SDK", b))
    print(row("gateway", g))
    if lite is not None:
        print(row("LiteLLM", lite))
    ordered = sorted(ratios)
    line = (
        f"  gateway/bare throughput {statistics.median(ratios):.3f} "
        f"(rounds {', '.join(f'{r:.2f}' for r in ratios)}; spread {ordered[0]:.2f}-{ordered[-1]:.2f}), "
        f"p50 {g['p50'] / b['p50']:.3f}, client CPU {b['cpu_ms']:.2f} -> {g['cpu_ms']:.2f} ms/req "
        f"(+{g['cpu_ms'] - b['cpu_ms']:.2f})"
    )
    if lite is not None:
        line += f"; gateway/LiteLLM throughput {g['rps'] / lite['rps']:.3f}"
    print(line)


async def run(latency: float, requests: int, rounds: int, levels: tuple[int, ...]) -> None:
    os.environ.setdefault("OPENAI_API_KEY", "bench-key")
    os.environ.setdefault("GROQ_API_KEY", "bench-key")
    fake = FakeProvider(latency=latency).start_process()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"fake provider think time {latency * 1000:.0f} ms; python {sys.version.split()[0]}")
            try:
                import litellm  # noqa: F401
            except ImportError:
                print("LiteLLM not installed (pip install litellm to compare)")
            for level in levels:
                total = max(requests, level * 4) if level > 1 else max(requests // 4, 50)
                await level_rounds(fake, level, total, rounds, Path(tmp) / "usage.jsonl")
    finally:
        fake.stop()
    gateway_ms, openai_ms = import_ms("llmwright.gateway"), import_ms("openai")
    print(
        f"import llmwright.gateway {gateway_ms:.0f} ms (goal <= 300 ms); import openai {openai_ms:.0f} ms; "
        f"ratio {gateway_ms / openai_ms:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.05, help="fake server think time per request (s)")
    parser.add_argument("--requests", type=int, default=400, help="requests per measurement (at least 4x concurrency)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating bare/gateway rounds per level")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)), help="requests in flight, comma-separated")
    args = parser.parse_args()
    levels = tuple(int(x) for x in args.levels.split(","))
    asyncio.run(run(args.latency, args.requests, args.rounds, levels))


if __name__ == "__main__":
    main()
