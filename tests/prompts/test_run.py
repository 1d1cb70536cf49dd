"""`run_prompt` against the loopback fake provider: validation, the corrective retry, degradation, cache."""

from __future__ import annotations

import json
import socket

import pytest

from llmwright.config import load_config
from llmwright.errors import InvalidInput
from llmwright.gateway import Gateway
from llmwright.prompts import PromptRunResult, PromptSettings, load_library, run_prompt, stream_prompt
from tests.gateway.conftest import config_for
from tests.support.fake_provider import Fault

from .support import SequencedAnswers, valid_summary

MODEL, FAKE_MODEL = "openai:gpt-4o-mini", "gpt-4o-mini"
LIBRARY = load_library()
FINDINGS = {"findings": "p95 latency of checkout rose from 2.1 s to 4.3 s after the switch to a new model."}


def gateway_for(fake, tmp_path, **overrides) -> Gateway:
    return Gateway(config_for(fake, tmp_path, **overrides))


async def test_a_valid_answer_first_time_is_parsed_and_the_schema_is_sent(fake, tmp_path):
    fake.answers[FAKE_MODEL] = valid_summary()
    async with gateway_for(fake, tmp_path) as gateway:
        result = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL)
    assert result.status == "ok" and result.reason is None
    assert result.output["status"] == "at_risk" and result.output["headline"].startswith("Checkout latency")
    assert len(result.calls) == 1 and result.calls[0].validation_errors == []
    assert (result.provider, result.model) == ("openai", FAKE_MODEL)
    assert result.usage.input_tokens > 0 and result.cost_usd is not None and result.cost_usd > 0
    (request,) = fake.requests("p1")
    schema = LIBRARY.get("executive-summary").output_schema
    assert request.body["response_format"]["json_schema"]["schema"] == schema
    assert "p95 latency of checkout rose" in request.body["messages"][0]["content"]


async def test_an_invalid_answer_gets_one_corrective_retry_with_the_errors(fake, tmp_path):
    wrong = valid_summary(status="fine")
    fake.answers = SequencedAnswers(**{FAKE_MODEL: [wrong, valid_summary()]})
    async with gateway_for(fake, tmp_path) as gateway:
        result = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL)
    assert result.status == "ok" and result.output["status"] == "at_risk"
    assert len(result.calls) == 2
    assert result.calls[0].validation_errors == [
        "at $.status: 'fine' is not one of ['on_track', 'at_risk', 'off_track']"
    ]
    assert result.calls[1].validation_errors == []
    assert result.usage.input_tokens == sum(c.usage.input_tokens for c in result.calls)
    retry = fake.requests("p1")[1].body["messages"]
    assert [m["role"] for m in retry] == ["user", "assistant", "user"]
    assert retry[1]["content"] == wrong
    assert "'fine' is not one of" in retry[2]["content"] and "corrected JSON" in retry[2]["content"]


async def test_invalid_twice_is_a_typed_result_carrying_both_errors(fake, tmp_path):
    fake.answers = SequencedAnswers(**{FAKE_MODEL: ["Sure! The summary is: all good.", valid_summary(key_points=[])]})
    async with gateway_for(fake, tmp_path) as gateway:
        result = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL)
    assert result.status == "invalid_output" and not result.ok
    assert len(result.calls) == 2 and len(fake.requests("p1")) == 2
    assert result.calls[0].validation_errors[0].startswith("the answer is not valid JSON")
    assert result.calls[1].validation_errors == ["at $.key_points: [] should be non-empty"]
    assert "not valid JSON" in result.reason and "should be non-empty" in result.reason
    assert result.output is None and result.text == valid_summary(key_points=[])


async def test_json_in_a_code_fence_or_with_a_preamble_is_accepted(fake, tmp_path):
    fake.answers[FAKE_MODEL] = "Here you go:\n```json\n" + valid_summary() + "\n```"
    async with gateway_for(fake, tmp_path) as gateway:
        result = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL)
    assert result.status == "ok" and len(result.calls) == 1 and result.output["status"] == "at_risk"


async def test_the_disabled_flag_gives_a_typed_result_without_a_call_or_a_model(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("LLMWRIGHT_ENABLED", "0")
    monkeypatch.chdir(tmp_path)
    async with Gateway(load_config()) as gateway:
        result = await run_prompt(gateway, "executive-summary", FINDINGS)
        with pytest.raises(InvalidInput, match="missing required variable"):
            await run_prompt(gateway, "executive-summary", {})  # bad input is still the caller's error
    assert result.status == "disabled" and "LLMWRIGHT_ENABLED=0" in result.reason
    assert result.calls == [] and fake.requests() == []


async def test_an_unreachable_provider_gives_a_typed_unavailable_result(fake, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    dead = {"openai": {"base_url": f"http://127.0.0.1:{closed_port}/v1", "max_retries": 1}}
    async with gateway_for(fake, tmp_path, providers=dead) as gateway:
        result = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL)
    assert result.status == "unavailable" and result.error == "AllProvidersFailed"
    assert len(result.attempts) == 2 and all(a.outcome == "error" for a in result.attempts)
    assert result.attempts[0].error == "ProviderUnavailable" and "every provider failed" in result.reason


async def test_failover_inside_a_run_still_answers(fake, tmp_path):
    fake.fail("p1", *[Fault("status", 503)] * 3)
    fake.answers["qwen/qwen3-32b"] = valid_summary()
    async with gateway_for(fake, tmp_path) as gateway:
        result = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL, fallback=["groq:qwen/qwen3-32b"])
    assert result.status == "ok" and result.provider == "groq"
    assert [a.outcome for a in result.calls[0].attempts] == ["error", "error", "error", "ok"]


async def test_a_second_identical_run_is_a_cache_hit_and_invalid_output_is_never_cached(fake, tmp_path):
    fake.answers[FAKE_MODEL] = valid_summary()
    async with gateway_for(fake, tmp_path, cache={"backend": "memory"}) as gateway:
        first = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL)
        second = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL)
        other = await run_prompt(gateway, "executive-summary", {"findings": "something else"}, model=MODEL)
        skipped = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL, use_cache=False)
        assert len(fake.requests("p1")) == 3
        fake.answers[FAKE_MODEL] = "not json"
        bad = await run_prompt(gateway, "executive-summary", {"findings": "third"}, model=MODEL)
        again = await run_prompt(gateway, "executive-summary", {"findings": "third"}, model=MODEL)
    assert not first.cached and second.cached and not other.cached and not skipped.cached
    assert second.output == first.output and second.cost_usd == 0 and second.calls == []
    assert bad.status == again.status == "invalid_output" and not again.cached
    assert len(fake.requests("p1")) == 3 + 4


async def test_a_template_with_cache_ttl_zero_is_never_cached(fake, tmp_path):
    variables = {"problem": "timeouts", "product": "the API"}
    async with gateway_for(fake, tmp_path, cache={"backend": "memory"}) as gateway:
        for _ in range(2):
            result = await run_prompt(gateway, "troubleshooting-assistant", variables, model=MODEL)
            assert result.status == "ok" and not result.cached
    assert len(fake.requests("p1")) == 2
    system, user = fake.requests("p1")[0].body["messages"]
    assert system["role"] == "system" and "troubleshooting assistant for the API" in system["content"]
    assert user == {"role": "user", "content": "timeouts"}


async def test_the_model_comes_from_the_call_then_the_settings_else_a_clear_error(fake, tmp_path):
    async with gateway_for(fake, tmp_path) as gateway:
        with pytest.raises(InvalidInput, match="no model to run executive-summary on: pass --model"):
            await run_prompt(gateway, "executive-summary", FINDINGS)
        with pytest.raises(InvalidInput, match="provider:model"):
            await run_prompt(gateway, "executive-summary", FINDINGS, model="gpt-4o-mini")
        fake.answers["qwen/qwen3-32b"] = valid_summary()
        settings = PromptSettings(model="groq:qwen/qwen3-32b")
        result = await run_prompt(gateway, "executive-summary", FINDINGS, settings=settings)
    assert result.status == "ok" and result.provider == "groq"
    assert fake.requests("p1") == []


async def test_stream_yields_text_then_the_result_and_refuses_schema_templates(fake, tmp_path):
    fake.answers[FAKE_MODEL] = "### Model recommendation\nKeep gpt-4o-mini."
    variables = {"code": "app.py:1 client = OpenAI()"}
    async with gateway_for(fake, tmp_path) as gateway:
        items = [item async for item in stream_prompt(gateway, "llm-code-review", variables, model=MODEL)]
        with pytest.raises(InvalidInput, match="cannot stream"):
            [item async for item in stream_prompt(gateway, "executive-summary", FINDINGS, model=MODEL)]
    *deltas, result = items
    assert len(deltas) > 1 and "".join(deltas) == "### Model recommendation\nKeep gpt-4o-mini."
    assert isinstance(result, PromptRunResult) and result.status == "ok" and result.output == result.text
    assert fake.requests("p1")[0].stream is True


async def test_the_result_serialises_without_the_key(fake, tmp_path):
    fake.answers[FAKE_MODEL] = valid_summary()
    async with gateway_for(fake, tmp_path) as gateway:
        result = await run_prompt(gateway, "executive-summary", FINDINGS, model=MODEL)
    dumped = result.model_dump_json()
    assert json.loads(dumped)["status"] == "ok"
    from tests.gateway.conftest import CANARY

    assert CANARY not in dumped
