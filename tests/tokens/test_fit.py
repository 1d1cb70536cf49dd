"""Context fit and oldest-first truncation."""

from __future__ import annotations

import pytest

from llmwright.errors import InvalidInput
from llmwright.tokens.count import count_conversation
from llmwright.tokens.fit import check_fit, truncate
from llmwright.tokens.messages import parse_conversation


def test_fit_reports_headroom(catalog) -> None:
    fit = check_fit(catalog.resolve("openai:gpt-4o"), input_tokens=100_000, max_output=16_000)
    assert fit.fits is True
    assert fit.headroom == 128_000 - 116_000


def test_overflow_says_what_to_do(catalog) -> None:
    fit = check_fit(catalog.resolve("openai:gpt-4o"), input_tokens=150_000, max_output=1000, catalog=catalog)
    assert fit.fits is False
    assert fit.headroom == -23_000
    assert any("larger window" in advice for advice in fit.advice)


def test_truncate_drops_oldest_turns_and_keeps_the_system_prompt(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o").model_copy(update={"context_window": 400})
    long_turn = "word " * 60
    messages = [{"role": "system", "content": "You are terse."}]
    for i in range(10):
        messages += [
            {"role": "user", "content": f"q{i} {long_turn}"},
            {"role": "assistant", "content": f"a{i} {long_turn}"},
        ]
    messages.append({"role": "user", "content": "final question"})
    result = truncate(parse_conversation(messages), model, max_output=100)
    kept = result.conversation.messages
    assert result.fits
    assert kept[0].role == "system" and kept[0].text == "You are terse."
    assert kept[-1].text == "final question"
    assert result.dropped_messages > 0
    assert count_conversation(result.conversation, model).tokens <= 300
    assert len(kept) == len(messages) - result.dropped_messages


def test_truncate_refuses_when_output_fills_the_window(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o")
    with pytest.raises(InvalidInput, match="leaves no room"):
        truncate(parse_conversation([{"role": "user", "content": "hi"}]), model, max_output=200_000)
