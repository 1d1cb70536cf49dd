"""PII redaction: nothing the README lists leaves in any part of any message, and mask/reversible keep their word."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwright.gateway import CallRequest, Gateway
from llmwright.gateway.redact import Redactor
from llmwright.secrets import KEY_SHAPED
from tests.support.env import isolate
from tests.support.fake_provider import FakeProvider

from .conftest import KEYS, config_for
from .pii import compact, text_with_pii

REF = "openai:gpt-4o-mini"
IO = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_no_pii(values: list[str], seen: str) -> None:
    for value in values:
        assert compact(value) not in compact(seen), f"{value!r} leaked into {seen!r}"
    assert KEY_SHAPED.search(seen) is None, seen


def messages_of_every_shape(texts: list[str]) -> list[dict]:
    """The OpenAI message shapes a caller sends: string, multi-part, tool call arguments, tool result."""
    first, second, third, fourth = texts
    return [
        {"role": "system", "content": first},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": second},
                {"type": "image_url", "image_url": {"url": "https://example.invalid/receipt.png", "detail": "low"}},
                {"type": "text", "text": first},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "lookup_customer", "arguments": json.dumps({"query": third, "limit": 3})},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": fourth},
        {"role": "user", "content": second},
    ]


four_texts = st.lists(text_with_pii(), min_size=4, max_size=4)


@given(text_with_pii())
@settings(deadline=None)
def test_no_pii_is_left_in_text_and_reversible_mode_restores_it(sample):
    text, values = sample
    redactor = Redactor()
    redacted = redactor.redact(text)
    assert_no_pii(values, redacted)
    assert redactor.restore(redacted) == text


@given(four_texts)
@settings(deadline=None)
def test_no_pii_is_left_in_any_part_of_any_message_shape(samples):
    texts = [text for text, _ in samples]
    values = [value for _, found in samples for value in found]
    messages = messages_of_every_shape(texts)
    redactor = Redactor()
    sent = redactor.redact_messages(messages)
    assert_no_pii(values, json.dumps(sent))
    # The shapes survive: roles, the image part and the tool call's id and name, arguments still JSON.
    assert [m["role"] for m in sent] == [m["role"] for m in messages]
    assert sent[1]["content"][1] == messages[1]["content"][1]
    call = sent[2]["tool_calls"][0]
    assert (call["id"], call["function"]["name"]) == ("call_1", "lookup_customer")
    arguments = json.loads(call["function"]["arguments"])
    assert arguments["limit"] == 3 and redactor.restore(arguments["query"]) == texts[2]
    # and reversible mode puts every value back.
    assert redactor.restore(sent[0]["content"]) == texts[0]
    assert [redactor.restore(p["text"]) for p in sent[1]["content"] if p["type"] == "text"] == [texts[1], texts[0]]
    assert redactor.restore(sent[3]["content"]) == texts[3]
    assert messages == messages_of_every_shape(texts), "the caller's messages were changed in place"


def _gateway_case(fake: FakeProvider, tmp_path, monkeypatch) -> Gateway:
    isolate(monkeypatch, tmp_path, KEYS)
    return Gateway(config_for(fake, tmp_path, cache={"backend": "sqlite", "url": str(tmp_path / "cache.sqlite3")}))


@given(four_texts, st.sampled_from(["mask", "reversible"]))
@IO
async def test_the_provider_never_sees_pii_in_system_parts_or_tool_arguments(
    tmp_path_factory, monkeypatch, samples, mode
):
    texts = [text for text, _ in samples]
    values = [value for _, found in samples for value in found]
    tmp_path = tmp_path_factory.mktemp("redact")
    with FakeProvider() as fake:
        fake.answers["gpt-4o-mini"] = "Noted <EMAIL_1> and <PHONE_1>."
        request = CallRequest(messages=messages_of_every_shape(texts), system=texts[3], redact=mode)
        async with _gateway_case(fake, tmp_path, monkeypatch) as gateway:
            result = await gateway.complete(request, REF)
            again = await gateway.complete(request, REF)
        (sent,) = fake.requests("p1")
    assert_no_pii(values, json.dumps(sent.body))
    assert again.cached
    assert_no_pii(values, (tmp_path / "cache.sqlite3").read_bytes().decode("latin-1"))
    if mode == "mask":  # the caller reads the placeholders, never values the model did not see
        assert result.text == again.text == "Noted <EMAIL_1> and <PHONE_1>."


async def test_reversible_mode_restores_values_in_the_answer_and_from_the_cache(tmp_path, monkeypatch):
    with FakeProvider() as fake:
        fake.answers["gpt-4o-mini"] = "I will mail <EMAIL_1> and call <PHONE_1>."
        prompt = "Mail jane.doe@example.com and call (415) 555-0100 about card 4111 1111 1111 1111."
        request = CallRequest(messages=[{"role": "user", "content": prompt}], redact="reversible")
        async with _gateway_case(fake, tmp_path, monkeypatch) as gateway:
            first = await gateway.complete(request, REF)
            second = await gateway.complete(request, REF)
            streamed = [item async for item in gateway.stream(request, REF)]
        body = json.dumps(fake.requests("p1")[0].body)
    assert "<EMAIL_1>" in body and "<PHONE_1>" in body and "<CARD_1>" in body
    assert first.text == second.text == "I will mail jane.doe@example.com and call (415) 555-0100."
    assert second.cached and "".join(s for s in streamed if isinstance(s, str)) == first.text
    cache = (tmp_path / "cache.sqlite3").read_bytes().decode("latin-1")
    assert "jane.doe@example.com" not in cache and "<EMAIL_1>" in cache


async def test_a_prompt_logged_to_the_ledger_is_the_redacted_one(tmp_path, monkeypatch) -> None:
    isolate(monkeypatch, tmp_path, KEYS)
    with FakeProvider() as fake:
        config = config_for(fake, tmp_path, gateway={"log_prompts": True, "redact": "mask"})
        async with Gateway(config) as gateway:
            await gateway.complete("Write to jane.doe@example.com about card 4111 1111 1111 1111", REF)
    ledger = (tmp_path / "usage.jsonl").read_text()
    assert "<EMAIL_1>" in ledger
    assert "jane.doe@example.com" not in ledger and "4111 1111 1111 1111" not in ledger
