"""Anthropic's Messages API through the official `anthropic` SDK.

Differences from the OpenAI shape handled here: the system prompt is a top-level field,
content is a list of blocks (text, image, tool_use, tool_result), `max_tokens` is
required, and the usage reports cache reads and writes apart from `input_tokens` (we add
them back so `Usage.input_tokens` means the same on every wire).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anthropic

from llmwright.usage import Usage

from ..errors import ContentRefused, LLMError, Overloaded
from ..models import CallRequest, Reply
from .base import Provider

DEFAULT_MAX_TOKENS = 4096


class AnthropicProvider(Provider):
    def _new_client(self) -> anthropic.AsyncAnthropic:
        return anthropic.AsyncAnthropic(base_url=self.settings.base_url, **self.sdk_options())

    def _params(self, model: str, request: CallRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": model,
            "messages": _messages(request.messages),
            "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
        }
        system = request.system_text()
        schema = _schema_instruction(request.response_format)
        if schema:
            system = f"{system}\n\n{schema}" if system else schema
        if system:
            params["system"] = system
        if request.temperature is not None:
            params["temperature"] = min(request.temperature, 1.0)
        if request.stop:
            params["stop_sequences"] = request.stop
        if request.tools:
            params["tools"] = [_tool(t) for t in request.tools]
        return params

    async def complete(self, model: str, request: CallRequest, timeout: float) -> Reply:
        try:
            message = await self._client().messages.create(**self._params(model, request), timeout=timeout)
            if message.stop_reason == "refusal":
                raise ContentRefused("the model refused to answer", provider=self.name)
            if not message.content:
                raise self.incomplete("the message held no content block")
            text = "".join(block.text for block in message.content if block.type == "text")
            calls = [
                {"id": b.id, "type": "function", "function": {"name": b.name, "arguments": json.dumps(b.input)}}
                for b in message.content
                if b.type == "tool_use"
            ]
            usage = _usage(message.usage)
        except Exception as exc:
            raise self._map(exc) from exc
        return self.answer(text, usage, message.stop_reason, calls)

    async def stream(self, model: str, request: CallRequest, timeout: float) -> AsyncIterator[str | Reply]:
        """Complete only once `message_stop` arrived: a stream that just stops is cut."""
        parts: list[str] = []
        start_usage: Any = None
        output_tokens, finish, stopped = 0, None, False
        try:
            events = await self._client().messages.create(**self._params(model, request), stream=True, timeout=timeout)
            async for event in events:
                if event.type == "message_start":
                    start_usage = event.message.usage
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    parts.append(event.delta.text)
                    yield event.delta.text
                elif event.type == "message_delta":
                    output_tokens = event.usage.output_tokens or output_tokens
                    finish = event.delta.stop_reason or finish
                elif event.type == "message_stop":
                    stopped = True
        except Exception as exc:
            raise self._map(exc) from exc
        if not stopped:
            raise self.incomplete(f"the stream ended without message_stop after {len(parts)} deltas")
        if finish == "refusal" and not parts:
            raise ContentRefused("the model refused to answer", provider=self.name)
        usage = _usage(start_usage) if start_usage is not None else Usage()
        usage.output_tokens = output_tokens
        yield self.answer("".join(parts), usage, finish)

    def _map(self, exc: Exception) -> LLMError:
        mapped = self.sdk_error(exc, anthropic)
        if mapped is not None:
            return mapped
        if isinstance(exc, anthropic.APIError) and "overloaded" in str(exc).lower():
            return Overloaded("overloaded (stream error event)", provider=self.name)
        return self.malformed(exc)


def _usage(raw: Any) -> Usage:
    read = getattr(raw, "cache_read_input_tokens", 0) or 0
    write = getattr(raw, "cache_creation_input_tokens", 0) or 0
    return Usage(
        input_tokens=(getattr(raw, "input_tokens", 0) or 0) + read + write,
        output_tokens=getattr(raw, "output_tokens", 0) or 0,
        cache_read_tokens=read,
        cache_write_tokens=write,
    )


def _messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI-shape messages to Anthropic blocks; system messages are lifted out by the caller."""
    out: list[dict[str, Any]] = []
    for m in messages:
        role = m["role"]
        if role == "system":
            continue
        if role == "tool":
            block = {"type": "tool_result", "tool_use_id": m.get("tool_call_id", ""), "content": _text(m["content"])}
            out.append({"role": "user", "content": [block]})
            continue
        blocks = _blocks(m.get("content"))
        for call in m.get("tool_calls") or []:
            fn = call.get("function", {})
            args = json.loads(fn.get("arguments") or "{}")
            blocks.append({"type": "tool_use", "id": call.get("id", ""), "name": fn.get("name", ""), "input": args})
        if out and out[-1]["role"] == role:  # Anthropic wants alternating turns
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})
    return out


def _blocks(content: Any) -> list[dict[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    blocks = []
    for part in content:
        kind = part.get("type")
        if kind == "text":
            blocks.append({"type": "text", "text": part["text"]})
        elif kind == "image_url":
            url = part["image_url"]["url"] if isinstance(part["image_url"], dict) else part["image_url"]
            if url.startswith("data:"):
                media, _, data = url[5:].partition(";base64,")
                blocks.append({"type": "image", "source": {"type": "base64", "media_type": media, "data": data}})
            else:
                blocks.append({"type": "image", "source": {"type": "url", "url": url}})
        else:  # already an Anthropic block
            blocks.append(part)
    return blocks


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or [] if isinstance(p, dict))


def _tool(tool: dict[str, Any]) -> dict[str, Any]:
    fn = tool.get("function", tool)
    schema = fn.get("parameters") or {"type": "object", "properties": {}}
    return {"name": fn["name"], "description": fn.get("description", ""), "input_schema": schema}


def _schema_instruction(response_format: dict[str, Any] | None) -> str | None:
    if not response_format:
        return None
    schema = response_format.get("json_schema", {}).get("schema")
    if schema:
        return f"Answer with only a JSON value matching this JSON schema:\n{json.dumps(schema)}"
    return "Answer with only a JSON object." if response_format.get("type") == "json_object" else None
