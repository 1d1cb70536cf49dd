"""What a client sends is checked before work starts, and what comes back is one bounded line.

Through the real `mcp` client in memory: sizes over `[server]` limits, pydantic's own words,
unknown names, hostile paths, `since`, `call_llm`'s pre-flight (against the loopback fake
provider, which must see no request) and tool annotations that say what each tool does.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, ListRootsResult, Root

from llmwright.server.server import build_server
from tests.support.cli import run_cli
from tests.support.fake_provider import FakeProvider

BIG = 2_000_000


def roots_of(folder: Path):
    async def roots(context) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=folder.as_uri(), name="project")])

    return roots


def no_echo(text: str, *sent: str) -> None:
    assert len(text) <= 700, f"{len(text):,}-character message"
    for value in sent:
        if len(value) > 100:  # a short value may be named in full; a long one only by an excerpt
            assert value[:100] not in text, "the message repeats what was sent"
    assert "errors.pydantic.dev" not in text and "input_value" not in text and "Traceback" not in text


async def test_text_over_the_limit_is_refused_before_any_work() -> None:
    huge = "word " * (BIG // 5 + 1_000)
    async with Client(build_server()) as client:
        started = time.monotonic()
        refused = await client.call_tool("estimate_tokens", {"models": ["openai:gpt-4o"], "text": huge})
        assert time.monotonic() - started < 5, "refused up front, not after tokenizing 2 MB"
        message = refused.content[0].text
        assert refused.is_error and message.startswith("estimate_tokens: argument 'text' holds 2,005,000 bytes")
        assert "max_text_bytes" in message
        no_echo(message, huge)
        wide = await client.call_tool("estimate_tokens", {"models": ["openai:gpt-4o"], "text": "é" * (BIG // 2 + 1)})
        assert wide.is_error and "2,000,002 bytes" in wide.content[0].text, "bytes, not characters"
        deep: object = "x"
        for _ in range(40):
            deep = [deep]
        nested = await client.call_tool("estimate_tokens", {"models": ["openai:gpt-4o"], "messages": deep})
        assert nested.is_error and "nested more than 32 levels" in nested.content[0].text
        many = await client.call_tool("compare_models", {"models": ["openai:gpt-4o"] * 10_001})
        assert many.is_error and "more than 10,000 list items" in many.content[0].text
        fine = await client.call_tool("estimate_tokens", {"models": ["openai:gpt-4o"], "text": "word " * 100_000})
        assert not fine.is_error, "half a megabyte is real use"


async def test_the_limits_are_configurable(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "llmwright.toml"
    config.write_text("[server]\nmax_text_bytes = 5000\n", encoding="utf-8")
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config))
    async with Client(build_server()) as client:
        refused = await client.call_tool("estimate_tokens", {"models": ["openai:gpt-4o"], "text": "x" * 6000})
        assert refused.is_error and "over the limit of 5,000" in refused.content[0].text
    config.write_text("[server]\nmax_txt_bytes = 5000\n", encoding="utf-8")
    assert "max_text_bytes" in run_cli("usage", env={"LLMWRIGHT_CONFIG": str(config)}).stderr, "a typo is named"


async def test_argument_errors_are_one_line_without_pydantic_urls() -> None:
    async with Client(build_server()) as client:
        for name, arguments, expected in [
            ("estimate_tokens", {"models": "openai:gpt-4o", "text": "hi"}, "models: Input should be a valid list"),
            ("list_models", {"limit": "many"}, "limit: Input should be a valid integer"),
            ("estimate_tokens", {"models": ["openai:gpt-4o"], "text": "hi", "tokenz": 1}, "unknown argument 'tokenz'"),
            ("estimate_cost", {"model": ["openai:gpt-4o"], "text": "hi"}, "(did you mean 'models'?)"),
            ("list_model", {}, "unknown tool 'list_model' (did you mean 'list_models'?)"),
        ]:
            result = await client.call_tool(name, arguments)
            assert result.is_error, name
            text = result.content[0].text
            assert expected in text, text
            assert len(text.splitlines()) == 1
            no_echo(text)


async def test_a_huge_unknown_name_comes_back_as_an_excerpt() -> None:
    name = "n" * 1_000_000
    async with Client(build_server()) as client:
        template = await client.call_tool("run_prompt", {"template": name})
        assert template.is_error and "(1,000,000 characters)" in template.content[0].text
        no_echo(template.content[0].text, name)
        tool = await client.call_tool(name, {})
        assert tool.is_error
        no_echo(tool.content[0].text, name)
        with pytest.raises(MCPError) as prompt:
            await client.get_prompt(name, {})
        assert prompt.value.error.code == INVALID_PARAMS
        no_echo(str(prompt.value), name)
        with pytest.raises(MCPError) as resource:
            await client.read_resource("llmwright://prompts/" + "z" * 1_500)
        no_echo(str(resource.value), "z" * 1_500)


async def test_an_unknown_prompt_is_invalid_params_naming_the_closest() -> None:
    async with Client(build_server()) as client:
        with pytest.raises(MCPError) as refused:
            await client.get_prompt("executive-sumary", {})
        assert refused.value.error.code == INVALID_PARAMS
        assert "unknown prompt 'executive-sumary' (did you mean 'executive-summary'?)" in refused.value.error.message


async def test_hostile_paths_are_refused_and_the_log_stays_short(tmp_path: Path, caplog) -> None:
    project = tmp_path / "project"
    project.mkdir()
    caplog.set_level(logging.INFO)
    async with Client(build_server(), list_roots_callback=roots_of(project)) as client:
        for path in ("a" * 1_000_000, "nul\x00byte.py", "../../etc/passwd", "/etc", "~root"):
            result = await client.call_tool("audit_repo", {"path": path})
            assert result.is_error, path
            no_echo(result.content[0].text, path)
    assert "Traceback" not in caplog.text
    assert "a" * 10_000 not in caplog.text


async def test_since_is_an_iso_date_or_a_duration(tmp_path: Path, monkeypatch) -> None:
    ledger = tmp_path / "usage.jsonl"
    rows = [
        {"ts": "2026-10-01T10:00:00.000+00:00", "kind": "call", "outcome": "ok", "provider": "openai", "model": "m"},
        {"ts": "2099-01-01T10:00:00.000+00:00", "kind": "call", "outcome": "ok", "provider": "openai", "model": "m"},
    ]
    ledger.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = tmp_path / "llmwright.toml"
    config.write_text(f'[gateway]\nledger_path = "{ledger}"\n', encoding="utf-8")
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config))
    async with Client(build_server()) as client:
        counts = {}
        for since in ("2026-11-01", "2026-11-01T00:00:00Z", "7d", "24h", "2000-01-01"):
            result = await client.call_tool("usage_report", {"since": since})
            assert not result.is_error, result.content[0].text
            counts[since] = result.structured_content["calls"]
        assert counts == {"2026-11-01": 1, "2026-11-01T00:00:00Z": 1, "7d": 1, "24h": 1, "2000-01-01": 2}
        for bad in ("yesterday-ish", "2026-13-45", "7 parsecs"):
            refused = await client.call_tool("usage_report", {"since": bad})
            assert refused.is_error and "neither an ISO date or time" in refused.content[0].text, bad
    cli = run_cli("usage", "--since", "last tuesday", env={"LLMWRIGHT_CONFIG": str(config)})
    assert cli.returncode == 2 and "neither an ISO date or time" in cli.stderr


async def test_call_llm_checks_the_model_and_the_window_before_sending(tmp_path: Path, monkeypatch) -> None:
    with FakeProvider() as fake:
        config = tmp_path / "llmwright.toml"
        config.write_text(
            f'[providers.openai]\nbase_url = "{fake.url("p1")}"\n[cache]\nbackend = "off"\n[gateway]\nledger = false\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config))
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-preflight-0123456789")
        async with Client(build_server()) as client:
            for arguments, expected in [
                ({"model": "openai:gpt-4o-mni", "prompt": "hi"}, "unknown model 'openai:gpt-4o-mni'"),
                ({"model": "anthropic:claude-2.0", "prompt": "hi"}, "anthropic:claude-2.0 is retired"),
                ({"model": "openai:gpt-4o-mini", "prompt": "word " * 300_000}, "over openai:gpt-4o-mini's 128,000"),
                ({"model": "openai:gpt-4o-mini", "prompt": "hi", "max_tokens": 100_000}, "output limit of 16,384"),
                (
                    {"model": "openai:gpt-4o-mini", "fallback": ["openai:gpt-4o-mni"], "prompt": "hi"},
                    "unknown model 'openai:gpt-4o-mni'",
                ),
            ]:
                result = await client.call_tool("call_llm", arguments)
                assert result.is_error and expected in result.content[0].text, result.content[0].text
                no_echo(result.content[0].text)
            assert fake.requests() == [], "nothing was sent"
            sent = await client.call_tool("call_llm", {"model": "openai:gpt-4o-mini", "prompt": "hi"})
            assert not sent.is_error, sent.content[0].text
            assert len(fake.requests("p1")) == 1
            local = await client.call_tool("call_llm", {"model": "ollama:some-local-model", "prompt": "hi"})
            assert "unknown model" not in local.content[0].text, "local servers run whatever they hold"


async def test_annotations_say_what_each_tool_does() -> None:
    network = {"call_llm", "run_prompt", "evaluate_models", "estimate_tokens"}  # estimate_tokens: exact=true
    writes = {"call_llm", "run_prompt", "evaluate_models", "append_session_report"}  # ledger, cache, session files
    async with Client(build_server()) as client:
        tools = {t.name: t.annotations for t in (await client.list_tools()).tools}
    for name, hints in tools.items():
        assert hints is not None, name
        assert hints.open_world_hint is (name in network), name
        assert hints.read_only_hint is (name not in writes), name
        assert hints.destructive_hint is False, name
