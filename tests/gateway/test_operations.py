"""What operators rely on: OpenTelemetry spans, budgets shared by processes, the Azure preset."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from llmwright.gateway import BudgetExceeded, CallRequest, Gateway
from tests.support.cli import ROOT
from tests.support.fake_provider import Fault

from .conftest import CANARY, config_for

PRIMARY, SECONDARY = "anthropic:claude-sonnet-4-6", "openai:gpt-4o-mini"


@pytest.fixture(scope="module")
def spans():
    """An OpenTelemetry SDK recording into memory (the global provider can be set once per process)."""
    pytest.importorskip("opentelemetry.sdk", reason="opentelemetry-sdk is not installed (pip install -e '.[test]')")
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider = trace.get_tracer_provider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


async def test_a_fallback_call_is_one_call_span_with_one_genai_span_per_attempt(fake, tmp_path, spans):
    spans.clear()
    fake.fail("p2", Fault("status", status=503))
    config = config_for(fake, tmp_path, providers={"anthropic": {"max_retries": 0}})
    async with Gateway(config) as gateway:
        result = await gateway.complete(CallRequest.from_prompt("hi", max_tokens=64), PRIMARY, fallback=[SECONDARY])

    finished = spans.get_finished_spans()
    calls = [s for s in finished if s.name == "llmwright.call"]
    chats = [s for s in finished if s.name.startswith("chat ")]
    assert len(calls) == 1
    assert [s.name for s in chats] == ["chat claude-sonnet-4-6", "chat gpt-4o-mini"]
    assert all(s.parent is not None and s.parent.span_id == calls[0].context.span_id for s in chats)

    failed, answered = chats
    assert failed.attributes["gen_ai.provider.name"] == "anthropic"
    assert failed.attributes["error.type"] == "Overloaded"  # 503
    assert failed.status.status_code.name == "ERROR"
    assert answered.attributes["gen_ai.provider.name"] == "openai"
    assert answered.attributes["gen_ai.request.max_tokens"] == 64
    assert answered.attributes["gen_ai.usage.output_tokens"] == result.usage.output_tokens > 0
    assert answered.start_time >= failed.end_time  # the second attempt starts after the first ended
    assert calls[0].attributes["llmwright.cost_usd"] == result.cost_usd
    assert calls[0].attributes["llmwright.attempts"] == 2
    for span in finished:
        assert CANARY not in json.dumps(dict(span.attributes or {}))
        assert "hi" not in [str(v) for v in (span.attributes or {}).values()]  # no prompt text


async def test_a_failed_call_span_carries_the_error(fake, tmp_path, spans):
    spans.clear()
    fake.fail("p1", Fault("status", status=400))
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        with pytest.raises(Exception):  # noqa: B017 - BadRequest; the span is what is checked
            await gateway.complete("hi", SECONDARY)
    (call,) = [s for s in spans.get_finished_spans() if s.name == "llmwright.call"]
    assert call.status.status_code.name == "ERROR"
    assert call.attributes["error.type"] == "BadRequest"


SPEND = textwrap.dedent(
    """
    import asyncio, sys
    from llmwright.config import Config
    from llmwright.gateway import CallRequest, Gateway

    async def main():
        config = Config.model_validate_json(sys.argv[1])
        async with Gateway(config) as gateway:
            for _ in range(int(sys.argv[2])):
                await gateway.complete(CallRequest.from_prompt("spend", max_tokens=500), "openai:gpt-4o-mini")

    asyncio.run(main())
    """
)


async def test_budgets_are_shared_by_processes_writing_one_ledger(fake, tmp_path):
    # Each answer is 400 output tokens of gpt-4o-mini ($0.60/M): $0.00024 per call.
    fake.answers["gpt-4o-mini"] = " ".join(["word"] * 400)
    config = config_for(fake, tmp_path, providers={"openai": {"daily_usd": 0.0015}})
    async with Gateway(config) as gateway:  # opened before the other process spends anything
        assert gateway.ledger.spent("provider:openai") == (0.0, 0.0)
        other = subprocess.run(
            [sys.executable, "-c", SPEND, config.model_dump_json(), "4"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert other.returncode == 0, other.stderr
        assert len(fake.requests("p1")) == 4
        _, usd = gateway.ledger.spent("provider:openai")
        assert usd == pytest.approx(4 * 0.00024, rel=0.05)
        # $0.00096 spent elsewhere + this call's estimate ($0.0003 at max_tokens=500) fits under $0.0015 ...
        await gateway.complete(CallRequest.from_prompt("mine", max_tokens=500), SECONDARY)
        # ... and the next one would not: refused before it is sent.
        with pytest.raises(BudgetExceeded, match="provider:openai daily_usd"):
            await gateway.complete(CallRequest.from_prompt("mine again", max_tokens=500), SECONDARY)
    assert len(fake.requests("p1")) == 5


async def test_ledger_rows_from_two_processes_are_whole_lines(fake, tmp_path):
    config = config_for(fake, tmp_path)
    runs = [subprocess.Popen([sys.executable, "-c", SPEND, config.model_dump_json(), "20"], cwd=ROOT) for _ in range(2)]
    assert all(p.wait(timeout=90) == 0 for p in runs)
    rows = [json.loads(line) for line in (tmp_path / "usage.jsonl").read_text().splitlines()]
    assert sum(1 for r in rows if r["kind"] == "call" and r["outcome"] == "ok") == 40


async def test_azure_preset_speaks_the_deployment_path_and_api_key_header(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-test-key-0000")
    config = config_for(
        fake,
        tmp_path,
        providers={"azure": {"base_url": f"http://127.0.0.1:{fake.port}/az", "api_version": "2024-10-21"}},
    )
    async with Gateway(config) as gateway:
        result = await gateway.complete("hi", "azure:my-gpt4o-deployment")
        streamed = [item async for item in gateway.stream("hi", "azure:my-gpt4o-deployment")]
    assert result.provider == "azure" and result.text
    assert "".join(x for x in streamed if isinstance(x, str)) == result.text
    sent = fake.requests("az")
    assert sent[0].target == "/az/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21"
    assert sent[0].headers.get("api-key") == "azure-test-key-0000"
    assert "authorization" not in sent[0].headers
