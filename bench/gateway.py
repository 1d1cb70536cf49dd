"""Benchmark: llmwright's gateway against the bare `openai` SDK (and LiteLLM when installed).

Run: python bench/gateway.py [--latency 0.05] [--requests 400]

Starts the fake provider (tests/support/fake_provider.py) in its own process, then in one
run, at 1, 50 and 200 requests in flight, measures requests/second and p50/p99 latency of:
1. the bare official `openai` SDK (`max_retries=0`);
2. the gateway with a two-link fallback chain (openai → groq preset, both on the fake
   server), retries, a rate limiter set high, the breaker and the usage ledger on, cache off;
3. LiteLLM's `Router` with the same fallback, when `litellm` is installed.
It prints gateway/bare (and gateway/LiteLLM) ratios; the gateway's throughput should stay
within 10% of the bare SDK. `--latency` is the fake server's think time per request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
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
LEVELS = (1, 50, 200)


def messages(i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"benchmark request {i}"}]


async def bare(fake: FakeProvider, concurrency: int, total: int) -> dict[str, float]:
    import openai

    client = openai.AsyncOpenAI(api_key="bench", base_url=fake.url("p1"), max_retries=0)
    try:
        return await drive(
            lambda i: client.chat.completions.create(model=MODEL, messages=messages(i)), concurrency, total
        )
    finally:
        await client.close()


async def gateway(fake: FakeProvider, concurrency: int, total: int, ledger: Path) -> dict[str, float]:
    link = {"rpm": 10_000_000, "max_retries": 2, "fail_max": 5, "timeout_s": 30}
    config = Config.model_validate(
        {
            "providers": {"openai": {**link, "base_url": fake.url("p1")}, "groq": {**link, "base_url": fake.url("p4")}},
            "cache": {"backend": "off"},
            "gateway": {"ledger_path": str(ledger)},
        }
    )
    async with Gateway(config) as gw:

        async def call(i: int) -> object:
            return await gw.complete(CallRequest(messages=messages(i)), f"openai:{MODEL}", fallback=[f"groq:{MODEL}"])

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
        f"   client CPU {figures['cpu_ms']:.2f} ms/req"
    )


async def run(latency: float, requests: int, rounds: int) -> None:
    os.environ.setdefault("OPENAI_API_KEY", "bench-key")
    os.environ.setdefault("GROQ_API_KEY", "bench-key")
    fake = FakeProvider(latency=latency).start_process()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"fake provider think time {latency * 1000:.0f} ms; python {sys.version.split()[0]}")
            for level in LEVELS:
                total = max(requests, level * 4) if level > 1 else max(requests // 4, 50)
                bares, gateways, lites, ratios = [], [], [], []
                for _ in range(rounds):  # alternate, so load from elsewhere hits both sides alike
                    bares.append(await bare(fake, level, total))
                    gateways.append(await gateway(fake, level, total, Path(tmp) / "usage.jsonl"))
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
                ratio = (
                    f"  gateway/bare throughput {statistics.median(ratios):.3f} (rounds: "
                    + ", ".join(f"{r:.2f}" for r in ratios)
                    + f"), p50 {g['p50'] / b['p50']:.3f}, client CPU +{g['cpu_ms'] - b['cpu_ms']:.2f} ms/req"
                )
                if lite is not None:
                    ratio += f"; gateway/LiteLLM throughput {g['rps'] / lite['rps']:.3f}"
                else:
                    ratio += "; LiteLLM not installed (pip install litellm to compare)"
                print(ratio)
    finally:
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.05, help="fake server think time per request (s)")
    parser.add_argument("--requests", type=int, default=400, help="requests per measurement (at least 4x concurrency)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/gateway rounds per level")
    args = parser.parse_args()
    asyncio.run(run(args.latency, args.requests, args.rounds))


if __name__ == "__main__":
    main()
