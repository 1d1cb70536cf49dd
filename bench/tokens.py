"""Benchmark: llmwright's token counting against bare tiktoken, and one MCP call over stdio.

Run: python bench/tokens.py [--mb 10]

1. Tokens per second of `count_text` (what `estimate_tokens` runs) on a ~10 MB corpus
   built from the Python standard library's sources (code and prose, offline), against
   bare `tiktoken` `encode` of the same text with the same encoding, in the same run.
   The ratio should stay near 1.0: the wrapper must add little.
2. Latency of one `estimate_cost` MCP call over stdio (real `mcp` client, `llmwright
   serve` subprocess) against the same engine call made in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from llmwright.catalog import get_catalog  # noqa: E402
from llmwright.estimate import EstimateRequest, estimate  # noqa: E402
from llmwright.tokens import count_text, get_encoding  # noqa: E402


def corpus(megabytes: float) -> str:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    parts, size = [], 0
    for path in sorted(stdlib.rglob("*.py")):
        if "site-packages" in path.parts or "test" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        parts.append(text)
        size += len(text.encode())
        if size >= megabytes * 1_000_000:
            break
    return "\n".join(parts)


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_counting(text: str, runs: int) -> None:
    catalog = get_catalog()
    print(f"corpus: {len(text.encode()) / 1e6:.1f} MB of standard-library source")
    for ref, encoding_name in (("openai:gpt-4o", "o200k_base"), ("openai:text-embedding-3-small", "cl100k_base")):
        model = catalog.resolve(ref)
        encoding = get_encoding(encoding_name)
        tokens = len(encoding.encode(text, disallowed_special=()))
        bare = best_of(runs, lambda encoding=encoding: encoding.encode(text, disallowed_special=()))
        ours = best_of(runs, lambda model=model: count_text(text, model))
        print(
            f"{ref:28} bare tiktoken {tokens / bare / 1e6:6.2f} M tok/s | llmwright {tokens / ours / 1e6:6.2f} M tok/s"
            f" | ratio llmwright/bare {bare / ours:5.2f}"
        )
    claude = catalog.resolve("anthropic:claude-sonnet-4-6")
    encoding = get_encoding("cl100k_base")
    bare = best_of(runs, lambda: encoding.encode(text, disallowed_special=()))
    ours = best_of(runs, lambda: count_text(text, claude))
    print(f"{'anthropic (estimate)':28} ratio llmwright/bare cl100k {bare / ours:5.2f}")


async def bench_mcp(calls: int) -> None:
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    arguments = {"models": ["openai:gpt-4o", "anthropic:claude-sonnet-4-6"], "text": "Hello", "requests_per_day": 1000}
    request = EstimateRequest(**arguments)
    estimate(request)
    direct = []
    for _ in range(calls):
        start = time.perf_counter()
        estimate(request)
        direct.append(time.perf_counter() - start)
    params = StdioServerParameters(command=sys.executable, args=["-m", "llmwright.server", "serve"], cwd=str(ROOT))
    started = time.perf_counter()
    async with Client(params, read_timeout_seconds=120) as client:
        ready = time.perf_counter() - started
        await client.call_tool("estimate_cost", arguments)
        over_stdio = []
        for _ in range(calls):
            start = time.perf_counter()
            result = await client.call_tool("estimate_cost", arguments)
            over_stdio.append(time.perf_counter() - start)
            assert not result.is_error
    d, s = statistics.median(direct), statistics.median(over_stdio)
    print(f"server start + initialize over stdio: {ready * 1000:.0f} ms")
    print(
        f"estimate_cost: in-process {d * 1000:.1f} ms | MCP over stdio {s * 1000:.1f} ms (median of {calls})"
        f" | ratio stdio/in-process {s / d:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    bench_counting(corpus(args.mb), args.runs)
    asyncio.run(bench_mcp(args.calls))


if __name__ == "__main__":
    main()
