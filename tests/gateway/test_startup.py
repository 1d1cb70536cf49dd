"""Failure 7: start-up reads no history, the first call never blocks the event loop, and a gateway
outlives the event loop it was first used in."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest

from llmwright.gateway import CallRequest, Gateway
from llmwright.gateway.ledger import Ledger
from tests.support.cli import ROOT
from tests.support.fake_provider import DEFAULT_ANSWER

from .conftest import config_for

TODAY = datetime.now(UTC)
YESTERDAY = TODAY - timedelta(days=1)


def call_row(moment: datetime, cost: float = 0.001, tokens: int = 100, provider: str = "openai") -> str:
    row = {
        "ts": moment.isoformat(timespec="milliseconds"),
        "kind": "call",
        "call_id": "x" * 32,
        "route": None,
        "outcome": "ok",
        "provider": provider,
        "model": "gpt-4o-mini",
        "input_tokens": tokens // 2,
        "output_tokens": tokens // 2,
        "cost_usd": cost,
        "latency_ms": 100.0,
        "cached": False,
        "billed_tokens": tokens,
    }
    return json.dumps(row, separators=(",", ":")) + "\n"


class Counting(Ledger):
    """A ledger that counts the rows it parses (the work its start-up does)."""

    parsed = 0

    def _count_line(self, line: bytes) -> None:
        Counting.parsed += 1
        super()._count_line(line)


def test_start_up_reads_only_todays_rows_of_a_long_ledger(tmp_path):
    path = tmp_path / "usage.jsonl"
    old = call_row(YESTERDAY)
    path.write_text(old * 200_000 + call_row(TODAY, cost=0.5, tokens=7) * 40)  # 200,000 rows of history
    Counting.parsed = 0
    ledger = Counting(path)
    assert ledger.spent("provider:openai") == (7 * 40, pytest.approx(0.5 * 40))
    assert Counting.parsed < 40 + 500  # today's rows and a short margin before them, not 200,040
    ledger.close()


def test_the_daily_summary_makes_the_next_start_read_nothing_but_new_rows(tmp_path):
    path = tmp_path / "usage.jsonl"
    path.write_text(call_row(TODAY) * 3000)
    first = Ledger(path)
    assert first.spent("provider:openai")[0] == 300_000
    first.close()  # writes usage.jsonl.today
    assert json.loads((tmp_path / "usage.jsonl.today").read_text())["offset"] == path.stat().st_size
    with path.open("a") as handle:
        handle.write(call_row(TODAY, cost=1.0, tokens=5) * 2)
    Counting.parsed = 0
    second = Counting(path)
    assert second.spent("provider:openai") == (300_010, pytest.approx(3000 * 0.001 + 2.0))
    assert Counting.parsed == 2
    second.close()


def test_start_up_memory_stays_flat_however_large_today_is(tmp_path):
    path = tmp_path / "usage.jsonl"
    path.write_text(call_row(TODAY) * 80_000)  # ~20 MB, all of it today
    tracemalloc.start()
    ledger = Ledger(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert ledger.spent("provider:openai")[0] == 8_000_000
    assert peak < 8 * 1024 * 1024  # the file was read in chunks; it was +190 MB for 400k rows
    ledger.close()


FIRST_CALL = textwrap.dedent(
    """
    import asyncio, sys, time
    from llmwright.config import Config
    from llmwright.gateway import CallRequest, Gateway

    async def main():
        longest, last, stop = 0.0, time.monotonic(), False

        async def tick():
            nonlocal longest, last
            while not stop:
                await asyncio.sleep(0.01)
                now = time.monotonic()
                longest, last = max(longest, now - last), now

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0.05)
        started = time.monotonic()
        async with Gateway(Config.model_validate_json(sys.argv[1])) as gateway:
            request = CallRequest.from_prompt("first call", max_tokens=50)
            result = await gateway.complete(request, "anthropic:claude-sonnet-4-6")  # SDK, catalog, tokenizer
        took = time.monotonic() - started
        stop = True
        await ticker
        print(result.text)
        print(round(longest, 3), round(took, 3))

    asyncio.run(main())
    """
)


def test_the_first_call_of_a_process_never_blocks_the_event_loop(fake, tmp_path):
    # A cap makes the first call count tokens too: the catalog and a tokenizer load on first use.
    config = config_for(fake, tmp_path, providers={"anthropic": {"daily_usd": 100, "tpm": 1_000_000}})
    run = subprocess.run(
        [sys.executable, "-c", FIRST_CALL, config.model_dump_json()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    text, figures = run.stdout.split("\n")[:2]
    longest, took = (float(x) for x in figures.split())
    assert text == DEFAULT_ANSWER
    # The SDK import, the catalog and the tokenizer (seconds on a busy machine) load in a worker
    # thread: the loop keeps running, held only by the longest single step that keeps the GIL
    # (a tokenizer's table). On the loop, the whole first call was one freeze (1.2-1.7 s).
    assert longest < 0.3 * took, (longest, took)


def test_a_gateway_outlives_the_event_loop_it_was_first_used_in(fake, tmp_path):
    config = config_for(fake, tmp_path, providers={"openai": {"max_concurrency": 4, "rpm": 6000}})
    gateway = Gateway(config)

    async def both() -> list[str]:
        plain = await gateway.complete(CallRequest.from_prompt("hi", cache_ttl_s=0), "openai:gpt-4o-mini")
        streamed = [item async for item in gateway.stream("hi", "openai:gpt-4o-mini")]
        return [plain.text, streamed[-1].text]

    for _ in range(3):  # a script calling asyncio.run per request, or a worker restarting its loop
        assert asyncio.run(both()) == [DEFAULT_ANSWER] * 2
    asyncio.run(gateway.aclose())


def test_importing_the_gateway_loads_no_sdk_catalog_or_tokenizer():
    """What keeps `import llmwright.gateway` well under 300 ms (bench/gateway.py times it): the SDKs,
    the catalog (pre-flight checks read it on first call, off the loop) and tiktoken load on first use."""
    heavy = ["llmwright.catalog", "openai", "anthropic", "tiktoken", "genai_prices", "httpx2", "redis", "sqlite3"]
    code = f"import sys, llmwright.gateway; print([m for m in {heavy!r} if m in sys.modules])"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
