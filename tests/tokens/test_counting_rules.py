"""Counting rules a user relies on, each checked against tiktoken and the shipped calibration directly."""

from __future__ import annotations

import json

import pytest

from llmwright.errors import InvalidInput
from llmwright.tokens.count import count_conversation, count_text
from llmwright.tokens.encodings import get_encoding
from llmwright.tokens.families import family_for
from llmwright.tokens.messages import Conversation, parse_conversation

O200K, CL100K = get_encoding("o200k_base"), get_encoding("cl100k_base")
PROSE = "The committee reviewed the proposal and approved it after a long discussion. " * 5


def tokens(encoding, text: str) -> int:
    return len(encoding.encode_ordinary(text))


def test_an_exact_count_has_no_band_and_no_content_guess(catalog) -> None:
    counted = count_text(PROSE, catalog.resolve("openai:gpt-4o"))
    assert (counted.method, counted.error_band, counted.content_type) == ("exact", 0.0, None)
    assert counted.low == counted.tokens == counted.high == tokens(O200K, PROSE)
    assert counted.breakdown == {"text": counted.tokens} and "tiktoken" in counted.note


@pytest.mark.parametrize(
    ("ref", "factor", "band", "family"),
    [("anthropic:claude-sonnet-4-5", 1.12, 0.12, "claude"), ("anthropic:claude-opus-4-7", 1.52, 0.15, "claude-2026")],
)
def test_an_estimate_is_the_base_count_times_the_factor_with_its_band(catalog, ref, factor, band, family) -> None:
    counted = count_text(PROSE, catalog.resolve(ref))
    expected = round(tokens(CL100K, PROSE) * factor)
    assert (counted.method, counted.tokens, counted.error_band, counted.content_type) == (
        "estimate",
        expected,
        band,
        "prose",
    )
    assert (counted.low, counted.high) == (int(expected * (1 - band)), round(expected * (1 + band)))
    assert counted.tokenizer == f"cl100k_base x {family} factors" and counted.breakdown == {"text": expected}


def test_messages_names_and_reply_priming_per_openais_rule(catalog) -> None:
    messages = [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "name": "ada", "content": "Hello there"},
        {"role": "assistant", "content": "Hi"},
    ]
    counted = count_conversation(parse_conversation(messages), catalog.resolve("openai:gpt-4o"))
    text = sum(tokens(O200K, m["content"]) for m in messages)
    overhead = 3 + sum(3 + tokens(O200K, m["role"]) for m in messages) + 1 + tokens(O200K, "ada")
    assert counted.breakdown == {"text": text, "message_overhead": overhead, "tools": 0, "images": 0}
    assert counted.tokens == text + overhead


def test_the_same_conversation_counts_the_same_in_either_shape(catalog) -> None:
    model = catalog.resolve("openai:gpt-4o")
    anthropic = parse_conversation({"system": "Be terse.", "messages": [{"role": "user", "content": "Hello there"}]})
    openai = parse_conversation(
        [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Hello there"}]
    )
    assert (anthropic.shape, openai.shape) == ("anthropic", "openai")
    assert count_conversation(anthropic, model).tokens == count_conversation(openai, model).tokens
    only_system = count_conversation(parse_conversation({"system": "Be terse.", "messages": []}), model)
    assert only_system.tokens == 3 + 3 + tokens(O200K, "system") + tokens(O200K, "Be terse.")
    with pytest.raises(InvalidInput, match="messages is empty"):
        count_conversation(Conversation(shape="openai"), model)


def test_images_count_by_detail_for_openai_and_flat_for_claude(catalog) -> None:
    image = {"type": "image_url", "image_url": {"url": "https://example.invalid/a.png"}}
    low = {"type": "image_url", "image_url": {"url": "https://example.invalid/b.png", "detail": "low"}}
    parts = [{"type": "text", "text": "Compare"}, image, image, low]
    conversation = parse_conversation([{"role": "user", "content": parts}])
    assert count_conversation(conversation, catalog.resolve("openai:gpt-4o")).breakdown["images"] == 765 * 2 + 85
    assert count_conversation(conversation, catalog.resolve("anthropic:claude-sonnet-4-5")).breakdown["images"] == 4800
    image_only = parse_conversation([{"role": "user", "content": [image]}])
    assert count_conversation(image_only, catalog.resolve("openai:gpt-4o")).breakdown["text"] == 0


WEATHER = {
    "name": "get_weather",
    "description": "Get the weather.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name."}, "unit": "not a schema"},
    },
}


def _with_tool(tool: dict) -> Conversation:
    return parse_conversation(
        {"messages": [{"role": "user", "content": "Weather?"}], "tools": [{"type": "function", "function": tool}]}
    )


@pytest.mark.parametrize(("ref", "encoding", "opening"), [("openai:gpt-4o", O200K, 7), ("openai:gpt-4", CL100K, 10)])
def test_tool_definitions_per_the_cookbook_with_the_older_opening_for_cl100k(catalog, ref, encoding, opening) -> None:
    counted = count_conversation(_with_tool(WEATHER), catalog.resolve(ref))
    expected = (
        opening
        + tokens(encoding, "get_weather:Get the weather")
        + 3
        + 3
        + tokens(encoding, "city:string:City name")
        + 3
        + tokens(encoding, "unit::")
        + 12
    )
    assert counted.breakdown["tools"] == expected
    bare = count_conversation(_with_tool({"name": "ping", "description": "Ping"}), catalog.resolve(ref))
    assert bare.breakdown["tools"] == opening + tokens(encoding, "ping:Ping") + 12, "no properties, no property cost"


def test_estimated_tools_pay_the_json_factor_and_claude_its_tool_prompt(catalog) -> None:
    conversation = _with_tool(WEATHER)
    schema = "".join(tool.model_dump_json() for tool in conversation.tools)
    for ref, prompt in (("anthropic:claude-sonnet-4-5", 346), ("google:gemini-2.0-flash", 0)):
        model = catalog.resolve(ref)
        counted = count_conversation(conversation, model)
        assert counted.breakdown["tools"] == round(tokens(CL100K, schema) * family_for(model).factor("json")) + prompt


def test_estimated_conversations_apply_the_factor_of_their_content(catalog) -> None:
    model = catalog.resolve("anthropic:claude-sonnet-4-5")
    code = "def f(x):\n    return x * 2\n\nfor i in range(10):\n    print(f(i))\n"
    counted = count_conversation(parse_conversation([{"role": "user", "content": code}]), model)
    assert counted.content_type == "code"
    assert counted.breakdown["text"] == round(tokens(CL100K, code) * 1.28)
    assert counted.breakdown["message_overhead"] == 3 + 3 + tokens(CL100K, "user")
    assert counted.breakdown["tools"] == 0 and counted.tokens == sum(counted.breakdown.values())


def test_an_estimate_reads_the_system_prompt_first_whatever_the_shape(catalog) -> None:
    """The content guess looks at the conversation in order, system prompt first, as the model reads it."""
    model = catalog.resolve("anthropic:claude-sonnet-4-5")
    data = json.dumps({"rows": [{"id": i, "tags": ["a", "b"], "ok": True} for i in range(40)]})
    turns = [{"role": "user", "content": data}, {"role": "assistant", "content": "return rows;"}]
    anthropic = parse_conversation({"system": "Be terse.", "messages": turns})
    openai = parse_conversation([{"role": "system", "content": "Be terse."}, *turns])
    counted = count_conversation(anthropic, model)
    assert counted.content_type == count_conversation(openai, model).content_type == "code"
    assert counted.tokens == count_conversation(openai, model).tokens


def test_every_content_shape_is_read_as_the_text_a_model_sees() -> None:
    conversation = parse_conversation(
        [
            {
                "role": "user",
                "content": [
                    "plain string part",
                    {"type": "input_text", "text": "responses input"},
                    {"type": "output_text", "text": "responses output"},
                    {"type": "image", "source": {"type": "base64", "data": "AAAA"}},
                    {"type": "input_image", "image_url": "https://example.invalid/x.png"},
                    {"type": "image_url", "image_url": {"url": "u", "detail": "high"}},
                    {"type": "document", "title": "T"},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"type": "function", "function": {"name": "lookup", "arguments": '{"q": "x"}'}}],
            },
            {"role": "tool", "content": "found it"},
        ]
    )
    user, assistant, tool = conversation.messages
    assert user.text == 'plain string partresponses inputresponses output{"title":"T"}'
    assert [(p.kind, p.detail) for p in user.parts if p.kind == "image"] == [
        ("image", None),
        ("image", None),
        ("image", "high"),
    ]
    assert assistant.text == 'lookup{"q": "x"}' and tool.text == "found it"
    assert conversation.shape == "anthropic", "an Anthropic image block marks the shape"


def test_anthropic_blocks_are_read_as_text() -> None:
    conversation = parse_conversation(
        {
            "system": [{"type": "text", "text": "Be "}, {"type": "text", "text": "terse."}],
            "messages": [
                {"role": "assistant", "content": [{"type": "tool_use", "name": "lookup", "input": {"q": "ü"}}]},
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
                        }
                    ],
                },
            ],
        }
    )
    assert conversation.system == "Be terse."
    assert [m.text for m in conversation.messages] == ['lookup{"q":"ü"}', "ab"]
    assert (
        parse_conversation([{"role": "user", "content": [{"type": "tool_result", "content": "x"}]}]).shape
        == "anthropic"
    )
    assert parse_conversation([{"role": "user", "content": [{"type": "text", "text": "x"}]}]).shape == "openai"


def test_tools_in_both_shapes() -> None:
    conversation = parse_conversation(
        {
            "messages": [{"role": "user", "content": "x", "name": "ada"}],
            "tools": [
                {"type": "function", "function": {"name": "a", "parameters": None}},
                {"name": "b", "description": "B", "input_schema": {"type": "object"}},
                {"name": "c", "parameters": {"type": "object", "properties": {}}},
            ],
        }
    )
    assert [(t.name, t.description, t.parameters) for t in conversation.tools] == [
        ("a", "", {}),
        ("b", "B", {"type": "object"}),
        ("c", "", {"type": "object", "properties": {}}),
    ]
    assert conversation.messages[0].name == "ada" and conversation.messages[0].raw["name"] == "ada"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"role": "user", "content": [{"text": "no type"}]}], "message 0: part 0 must be an object with a 'type'"),
        ([{"role": "user", "content": ["ok", 7]}], "message 0: part 1 must be an object with a 'type'"),
        ({"messages": [{"role": "user", "content": "x"}], "tools": ["get_weather"]}, "tool 0 must be an object"),
        ({"messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function"}]}, "tool 0: expected"),
        ({"messages": [], "system": ""}, "messages is empty"),
        ({"messages": "hi"}, "messages must be a JSON list"),
        (
            [{"role": "user", "content": {"text": "x"}}],
            "message 0: content must be a string or a list of parts, got dict",
        ),
    ],
)
def test_malformed_input_is_named(data, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_conversation(data)
    assert message in str(caught.value)


def test_tool_use_input_is_compact_json() -> None:
    part = {"type": "tool_use", "name": "f", "input": {"a": [1, 2], "b": "c"}}
    (message,) = parse_conversation([{"role": "assistant", "content": [part]}]).messages
    assert message.text == "f" + json.dumps({"a": [1, 2], "b": "c"}, separators=(",", ":"))


def test_a_size_given_by_the_caller_has_no_band(catalog) -> None:
    from llmwright.estimate import count_tokens

    given = count_tokens(1_000, catalog.resolve("anthropic:claude-sonnet-4-5"))
    assert (given.method, given.tokens, given.low, given.high, given.error_band) == ("given", 1_000, 1_000, 1_000, 0)
