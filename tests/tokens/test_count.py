"""Token counts: exact for OpenAI per the documented rules, marked estimates elsewhere."""

from __future__ import annotations

import pytest

from llmwright.errors import InvalidInput
from llmwright.tokens.count import count_conversation, count_text
from llmwright.tokens.encodings import get_encoding
from llmwright.tokens.messages import parse_conversation

# The example from OpenAI's cookbook "How to count tokens with tiktoken".
COOKBOOK_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
    },
    {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
    {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."},
    {
        "role": "system",
        "name": "example_user",
        "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Let's talk later when we're less busy about how to do better.",
    },
    {
        "role": "user",
        "content": "This late pivot means we don't have time to boil the ocean for the client deliverable.",
    },
]

TEXTS = [
    "Hello",
    "The quick brown fox jumps over the lazy dog.",
    "def add(a, b):\n    return a + b\n",
    '{"name": "Ada", "tags": ["x", "y"], "n": 3}',
    "日本語のテキストとEnglish mixed. Привет, мир!",
    "<|endoftext|> is just text here",
    "  leading spaces and\ttabs\n\n\nnewlines  ",
]


def cookbook_formula(messages: list[dict], encoding_name: str) -> int:
    """OpenAI's documented counting rule, written out independently for the test."""
    encoding = get_encoding(encoding_name)
    total = 3
    for message in messages:
        total += 3
        for key, value in message.items():
            total += len(encoding.encode(value))
            if key == "name":
                total += 1
    return total


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("ref", "encoding"), [("openai:gpt-4o", "o200k_base"), ("openai:gpt-4", "cl100k_base")])
def test_text_counts_equal_tiktoken(catalog, ref: str, encoding: str, text: str) -> None:
    counted = count_text(text, catalog.resolve(ref))
    assert counted.method == "exact"
    assert counted.tokenizer == encoding
    assert counted.tokens == len(get_encoding(encoding).encode_ordinary(text))
    assert counted.error_band == 0


@pytest.mark.parametrize(
    ("ref", "expected"), [("openai:gpt-4o", 124), ("openai:gpt-4o-mini", 124), ("openai:gpt-4", 129)]
)
def test_chat_overhead_matches_openai_cookbook(catalog, ref: str, expected: int) -> None:
    counted = count_conversation(parse_conversation(COOKBOOK_MESSAGES), catalog.resolve(ref))
    assert counted.tokens == expected
    encoding = "o200k_base" if "4o" in ref else "cl100k_base"
    assert counted.tokens == cookbook_formula(COOKBOOK_MESSAGES, encoding)


def test_tool_definitions_add_tokens_per_the_cookbook_formula(catalog) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Get the weather.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {"type": "string", "description": "City name."},
                        "unit": {"type": "string", "description": "Unit.", "enum": ["c", "f"]},
                    },
                },
            },
        }
    ]
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    model = catalog.resolve("openai:gpt-4o")
    plain = count_conversation(parse_conversation(messages), model)
    with_tools = count_conversation(parse_conversation({"messages": messages, "tools": tools}), model)
    enc = get_encoding("o200k_base")
    expected_tools = (
        7
        + len(enc.encode("get_weather:Get the weather"))
        + 3
        + 3
        + len(enc.encode("city:string:City name"))
        + 3
        - 3
        + 3
        + len(enc.encode("c"))
        + 3
        + len(enc.encode("f"))
        + len(enc.encode("unit:string:Unit"))
        + 12
    )
    assert with_tools.breakdown["tools"] == expected_tools
    assert with_tools.tokens == plain.tokens + expected_tools


def test_claude_is_an_upward_biased_estimate_with_a_band(catalog) -> None:
    text = "The committee reviewed the proposal and approved it after a long discussion. " * 20
    claude = count_text(text, catalog.resolve("anthropic:claude-sonnet-4-5"))
    base = len(get_encoding("cl100k_base").encode_ordinary(text))
    assert claude.method == "estimate"
    assert claude.content_type == "prose"
    assert 0 < claude.error_band < 0.2
    assert claude.tokens > base  # leans high: an under-count is the dangerous side
    assert claude.low < claude.tokens < claude.high


def test_code_is_estimated_higher_than_prose_for_claude(catalog) -> None:
    model = catalog.resolve("anthropic:claude-sonnet-4-5")
    code = "def f(x):\n    return x * 2\n\nfor i in range(10):\n    print(f(i))\n" * 30
    counted = count_text(code, model)
    base = len(get_encoding("cl100k_base").encode_ordinary(code))
    assert counted.content_type == "code"
    assert counted.tokens / base > 1.2


def test_anthropic_shape_with_system_and_blocks(catalog) -> None:
    body = {
        "system": "Be terse.",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "lookup", "input": {"q": "x"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "found"}]},
        ],
        "tools": [{"name": "lookup", "description": "Look up", "input_schema": {"type": "object"}}],
    }
    conversation = parse_conversation(body)
    assert conversation.shape == "anthropic"
    assert conversation.system == "Be terse."
    counted = count_conversation(conversation, catalog.resolve("anthropic:claude-sonnet-4-5"))
    assert counted.breakdown["tools"] > 346  # tool definitions plus Anthropic's tool-use system prompt


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nope": 1}, "messages must be a JSON list"),
        ([], "messages is empty"),
        ([{"role": "wizard", "content": "x"}], "role must be one of"),
        (["just a string"], "message 0 must be an object"),
        ([{"role": "user", "content": 42}], "content must be a string or a list"),
    ],
)
def test_malformed_messages_are_named(data, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_conversation(data)


def test_empty_text_is_refused(catalog) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        count_text("", catalog.resolve("openai:gpt-4o"))
