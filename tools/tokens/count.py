"""Token counts for text and chat conversations, exact where a public tokenizer exists.

OpenAI models are counted exactly with tiktoken, chat overhead per OpenAI's documented
rules (3 tokens a message, 1 for a name, 3 to prime the reply; tool definitions per
OpenAI's cookbook formula). Other models get an estimate from a shipped encoding times a
per-content-type factor, labelled `method: estimate` with its error band.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..catalog import ModelInfo
from ..errors import InvalidInput
from .content import ContentType, classify
from .encodings import Tokenizer
from .families import Family, encoding_for, family_for
from .messages import Conversation, Message, ToolDef

Method = Literal["exact", "estimate", "api", "given"]

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3
# OpenAI cookbook "How to count tokens with tiktoken", tool definitions (gpt-4o family).
TOOL_FUNC_INIT, TOOL_PROP_INIT, TOOL_PROP_KEY, TOOL_ENUM_INIT, TOOL_ENUM_ITEM, TOOL_FUNC_END = 7, 3, 3, -3, 3, 12
TOOL_FUNC_INIT_LEGACY = 10
# Anthropic's tool-use system prompt, "Tool use with Claude" pricing table (auto/none tool_choice).
ANTHROPIC_TOOL_SYSTEM_PROMPT = 346
# Image tokens when the size is not known: OpenAI high detail at 1024x1024; Claude at ~1.15 MP.
OPENAI_IMAGE_LOW, OPENAI_IMAGE_DEFAULT, CLAUDE_IMAGE_DEFAULT = 85, 765, 1600


class TokenCount(BaseModel):
    model: str
    tokens: int = Field(description="best count; estimates lean high on purpose")
    method: Method
    tokenizer: str = Field(description="encoding used, or the API that counted")
    error_band: float = Field(0.0, description="half-width of the range as a fraction, 0 for exact")
    low: int
    high: int
    content_type: ContentType | None = None
    breakdown: dict[str, int] = Field(default_factory=dict)
    note: str = ""


def _count(encoding: Tokenizer, text: str) -> int:
    return len(encoding.encode_ordinary(text)) if text else 0


def _result(
    model: ModelInfo, family: Family, tokens: int, content: ContentType | None, breakdown: dict[str, int]
) -> TokenCount:
    band = family.error_band if family.method == "estimate" else 0.0
    encoding = encoding_for(model, family).name
    tokenizer = encoding if family.method == "exact" else f"{encoding} x {family.name} factors"
    return TokenCount(
        model=model.ref,
        tokens=tokens,
        method="exact" if family.method == "exact" else "estimate",
        tokenizer=tokenizer,
        error_band=band,
        low=int(tokens * (1 - band)),
        high=round(tokens * (1 + band)),
        content_type=content,
        breakdown=breakdown,
        note=family.note,
    )


def count_text(text: str, model: ModelInfo) -> TokenCount:
    if not text:
        raise InvalidInput("text is empty: give the prompt text, a --file or --messages")
    family = family_for(model)
    encoding = encoding_for(model, family)
    raw = _count(encoding, text)
    if family.method == "exact":
        return _result(model, family, raw, None, {"text": raw})
    content = classify(text)
    tokens = round(raw * family.factor(content))
    return _result(model, family, tokens, content, {"text": tokens})


def _openai_tools(tools: list[ToolDef], encoding: Tokenizer, legacy: bool) -> int:
    if not tools:
        return 0
    total = 0
    for tool in tools:
        total += TOOL_FUNC_INIT_LEGACY if legacy else TOOL_FUNC_INIT
        total += _count(encoding, f"{tool.name}:{tool.description.removesuffix('.')}")
        properties = tool.parameters.get("properties") or {}
        if properties:
            total += TOOL_PROP_INIT
            for key, spec in properties.items():
                spec = spec if isinstance(spec, dict) else {}
                total += TOOL_PROP_KEY
                if "enum" in spec:
                    total += TOOL_ENUM_INIT
                    for item in spec["enum"]:
                        total += TOOL_ENUM_ITEM + _count(encoding, str(item))
                description = str(spec.get("description", "")).removesuffix(".")
                total += _count(encoding, f"{key}:{spec.get('type', '')}:{description}")
    return total + TOOL_FUNC_END


def _image_tokens(message: Message, model_is_openai: bool) -> int:
    total = 0
    for part in message.parts:
        if part.kind == "image":
            if model_is_openai:
                total += OPENAI_IMAGE_LOW if part.detail == "low" else OPENAI_IMAGE_DEFAULT
            else:
                total += CLAUDE_IMAGE_DEFAULT
    return total


def count_conversation(conversation: Conversation, model: ModelInfo) -> TokenCount:
    family = family_for(model)
    encoding = encoding_for(model, family)
    exact = family.method == "exact"
    messages = list(conversation.messages)
    if conversation.system:
        messages.insert(0, Message(role="system", parts=[{"kind": "text", "text": conversation.system}]))
    if not messages:
        raise InvalidInput("messages is empty: give at least one message or a system prompt")
    text_tokens = sum(_count(encoding, m.text) for m in messages)
    overhead = REPLY_PRIMING + sum(
        TOKENS_PER_MESSAGE + _count(encoding, m.role) + (TOKENS_PER_NAME + _count(encoding, m.name) if m.name else 0)
        for m in messages
    )
    images = sum(_image_tokens(m, exact) for m in messages)
    if exact:
        legacy = encoding.name == "cl100k_base"
        tools = _openai_tools(conversation.tools, encoding, legacy)
        breakdown = {"text": text_tokens, "message_overhead": overhead, "tools": tools, "images": images}
        return _result(model, family, sum(breakdown.values()), None, breakdown)
    sample = "\n".join(m.text for m in messages)
    content = classify(sample)
    text_est = round(text_tokens * family.factor(content))
    tools_est = 0
    if conversation.tools:
        schema = "".join(t.model_dump_json() for t in conversation.tools)
        tools_est = round(_count(encoding, schema) * family.factor("json"))
        if family.name.startswith("claude"):
            tools_est += ANTHROPIC_TOOL_SYSTEM_PROMPT
    breakdown = {"text": text_est, "message_overhead": overhead, "tools": tools_est, "images": images}
    return _result(model, family, sum(breakdown.values()), content, breakdown)
