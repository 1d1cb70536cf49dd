"""Context fit at its edges, the advice a user is given, and what truncation keeps."""

from __future__ import annotations

import pytest

from llmwright.errors import InvalidInput
from llmwright.providers import suggestible
from llmwright.tokens.count import count_conversation
from llmwright.tokens.fit import check_fit, larger_windows, truncate
from llmwright.tokens.messages import parse_conversation


def test_exactly_full_fits_and_one_more_token_does_not(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o")  # 128,000 tokens
    full = check_fit(model, input_tokens=120_000, max_output=8_000)
    assert (full.fits, full.headroom, full.used_pct, full.advice) == (True, 0, 100.0, [])
    over = check_fit(model, input_tokens=120_001, max_output=8_000)
    assert (over.fits, over.headroom, over.used_pct) == (False, -1, 100.0)
    assert over.advice == [
        "over by 1 tokens: shorten the input (for chats, drop the oldest turns and keep the system prompt)",
        "or lower max output to at most 7,999",
    ]
    assert check_fit(model, input_tokens=1_000, max_output=279).used_pct == 1.0


def test_no_output_advice_when_the_input_alone_fills_the_window(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o")
    advice = check_fit(model, input_tokens=128_000, max_output=10).advice
    assert len(advice) == 1 and advice[0].startswith("over by 10 tokens")


def test_an_unknown_window_is_said_not_guessed(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o").model_copy(update={"context_window": None})
    fit = check_fit(model, input_tokens=10, max_output=10)
    assert (fit.fits, fit.headroom, fit.used_pct, fit.context_window) == (None, None, None, None)
    assert fit.advice == ["the catalog has no context window for openai:gpt-4o; check the provider's docs"]


def test_an_estimate_that_fits_only_below_its_band_says_so(catalog) -> None:
    model = catalog.resolve("anthropic:claude-sonnet-4-5")  # 200,000 tokens
    close = check_fit(model, input_tokens=180_000, max_output=10_000, error_band=0.12)
    assert close.fits and close.advice == [
        "fits on the estimate but not at the top of its error band; count exactly before relying on it"
    ]
    assert check_fit(model, input_tokens=170_000, max_output=10_000, error_band=0.05).advice == []
    assert check_fit(model, input_tokens=180_000, max_output=10_000).advice == [], "exact counts have no band"
    assert check_fit(model, input_tokens=100_000, max_output=50_000, error_band=0.5).advice == [], "exactly full"
    assert len(check_fit(model, input_tokens=100_000, max_output=50_001, error_band=0.5).advice) == 1


def test_larger_windows_are_cheap_active_priced_and_named_only_when_allowed(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o")
    needed = 300_000
    suggested = [catalog.resolve(ref) for ref in larger_windows(catalog, model, needed)]
    assert 1 <= len(suggested) <= 3
    for m in suggested:
        assert m.status == "active" and m.context_window >= needed and m.prices is not None
        assert set(model.capabilities) <= set(m.capabilities) and m.hosting == model.hosting
        assert suggestible(m.provider, [model.provider]) and not m.free_trial_tier
    prices = [(m.prices.input or 0) + (m.prices.output or 0) for m in suggested]
    assert prices == sorted(prices), "cheapest first"
    every = larger_windows(catalog, model, needed, limit=100)
    assert every[: len(suggested)] == [m.ref for m in suggested] and len(every) > 3
    cheapest = min(
        (m for m in catalog.find(capabilities=model.capabilities, hosting=model.hosting)
         if m.status == "active" and (m.context_window or 0) >= needed and m.prices is not None
         and suggestible(m.provider, [model.provider]) and not m.free_trial_tier),
        key=lambda m: ((m.prices.input or 0) + (m.prices.output or 0), m.ref),
    )  # fmt: skip
    assert suggested[0].ref == cheapest.ref
    fit = check_fit(model, input_tokens=needed - 1_000, max_output=1_000, catalog=catalog)
    assert fit.advice[-1] == "or use a model with a larger window: " + ", ".join(m.ref for m in suggested)
    assert larger_windows(catalog, model, 10**12) == []


def _chat(turns: list[tuple[str, str]]) -> list[dict]:
    return [{"role": role, "content": content} for role, content in turns]


def test_truncation_drops_a_tool_result_with_its_call_and_pins_developer_messages(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o").model_copy(update={"context_window": 200})
    long = "word " * 60
    messages = _chat([("developer", "Rules."), ("user", "q0")])
    messages += [{"role": "assistant", "content": None, "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}]
    messages += _chat([("tool", f"r0 {long}"), ("tool", f"r1 {long}"), ("user", f"q1 {long}"), ("assistant", "ok"),
                       ("user", "final")])  # fmt: skip
    result = truncate(parse_conversation(messages), model, max_output=50)
    kept = [(m.role, m.text[:5]) for m in result.conversation.messages]
    assert kept[0] == ("developer", "Rules") and kept[-1] == ("user", "final")
    assert all(role != "tool" for role, _ in kept), "no tool result is left without its call"
    assert result.fits and result.input_tokens == count_conversation(result.conversation, model).tokens <= 150
    assert kept == [("developer", "Rules"), ("user", "q1 wo"), ("assistant", "ok"), ("user", "final")]
    assert result.dropped_messages == 4


def test_truncation_that_cannot_fit_keeps_the_last_message_and_says_so(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o").model_copy(update={"context_window": 60})
    messages = _chat([("system", "S"), ("user", "a " * 10), ("assistant", "b " * 10), ("user", "c " * 80)])
    result = truncate(parse_conversation(messages), model, max_output=10)
    assert [m.text[:1] for m in result.conversation.messages] == ["S", "c"]
    assert (result.fits, result.dropped_messages) == (False, 2)
    untouched = truncate(parse_conversation(_chat([("user", "hi")])), model, max_output=10)
    assert (untouched.fits, untouched.dropped_messages) == (True, 0)


def test_truncation_needs_a_known_window_and_room_for_the_output(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o")
    conversation = parse_conversation(_chat([("user", "hi")]))
    with pytest.raises(InvalidInput, match="its context window is unknown"):
        truncate(conversation, model.model_copy(update={"context_window": None}), max_output=10)
    with pytest.raises(InvalidInput, match="max output 128,000 leaves no room in openai:gpt-4o's 128,000-token window"):
        truncate(conversation, model, max_output=128_000)
    assert truncate(conversation, model, max_output=127_990).fits


def test_larger_windows_rank_by_input_and_output_price_together(catalog) -> None:
    from llmwright.catalog import Catalog

    model = catalog.resolve("openai:gpt-4o")

    def variant(name: str, input_price: float, output_price: float):
        prices = model.prices.model_copy(update={"input": input_price, "output": output_price})
        return model.model_copy(update={"ref": f"openai:{name}", "model": name, "aliases": [], "prices": prices,
                                        "context_window": 1_000_000, "status": "active"})  # fmt: skip

    small = Catalog(models=[variant("cheap-in", 1.0, 3.0), variant("cheap-out", 5.0, 2.0), model], data_version="test")
    assert larger_windows(small, model, 500_000) == ["openai:cheap-in", "openai:cheap-out"]


def test_truncation_never_leaves_a_tool_result_before_the_last_message(catalog) -> None:
    """Dropping a large tool call leaves its small result first: the result goes too, though the rest would fit."""
    model = catalog.resolve("openai:gpt-4o").model_copy(update={"context_window": 80})
    call = {"function": {"name": "f", "arguments": '{"q": "' + "word " * 60 + '"}'}}
    messages = [{"role": "user", "content": "q0"}, {"role": "assistant", "content": None, "tool_calls": [call]}]
    messages += _chat([("tool", "ok"), ("user", "final")])
    result = truncate(parse_conversation(messages), model, max_output=20)
    assert [m.role for m in result.conversation.messages] == ["user"] and result.dropped_messages == 3
    assert result.conversation.messages[0].text == "final"


def test_fit_edges_of_truncation_and_percentages(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o")
    conversation = parse_conversation(_chat([("user", "q " * 30), ("assistant", "a " * 30), ("user", "final")]))
    exact = count_conversation(conversation, model).tokens
    at_budget = truncate(conversation, model.model_copy(update={"context_window": exact + 10}), max_output=10)
    assert (at_budget.fits, at_budget.dropped_messages, at_budget.input_tokens) == (True, 0, exact)
    tight = truncate(conversation, model, max_output=127_999)  # one token of room: refused only at zero
    assert (tight.fits, len(tight.conversation.messages)) == (False, 1)
    assert check_fit(model, input_tokens=40_000, max_output=2_666).used_pct == 33.3
    assert len(larger_windows(catalog, model, 300_000)) == 3, "three suggestions unless asked"


def test_truncation_keeps_a_last_message_that_is_a_tool_result(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o").model_copy(update={"context_window": 60})
    call = {"function": {"name": "f", "arguments": '{"q": "' + "word " * 60 + '"}'}}
    messages = [{"role": "user", "content": "q " * 40}, {"role": "assistant", "content": None, "tool_calls": [call]}]
    messages += _chat([("tool", "the result")])
    result = truncate(parse_conversation(messages), model, max_output=10)
    assert [(m.role, m.text) for m in result.conversation.messages] == [("tool", "the result")]


def test_larger_windows_count_a_missing_price_as_free_and_an_exact_window_as_enough(catalog) -> None:
    from llmwright.catalog import Catalog

    model = catalog.resolve("openai:gpt-4o")

    def variant(name: str, input_price: float | None, output_price: float | None, window: int = 1_000_000):
        prices = model.prices.model_copy(update={"input": input_price, "output": output_price})
        return model.model_copy(update={"ref": f"openai:{name}", "model": name, "aliases": [], "prices": prices,
                                        "context_window": window, "status": "active"})  # fmt: skip

    for missing_in, missing_out in ((None, 2.0), (2.0, None)):
        models = [variant("b", 1.0, 0.5), variant("a", missing_in, missing_out), variant("c", 1.0, 1.5), model]
        assert larger_windows(Catalog(models=models, data_version="test"), model, 500_000, limit=5) == [
            "openai:b",
            "openai:a",
            "openai:c",
        ]
    exact = Catalog(models=[variant("exact", 1.0, 1.0, window=500_000), model], data_version="test")
    assert larger_windows(exact, model, 500_000) == ["openai:exact"]
