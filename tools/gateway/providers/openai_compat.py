"""The OpenAI chat-completions wire, spoken once through the official `openai` SDK.

OpenAI, Azure OpenAI, Groq, Fireworks, OpenRouter, Mistral, DeepSeek, Together, Gemini's
and Hugging Face's OpenAI-compatible endpoints, vLLM, LM Studio and Ollama's `/v1` all use
this module; only their presets differ. The SDK's own retries are off (`max_retries=0`):
the gateway counts and spaces retries itself, so one attempt here is one HTTP request.

A plain call goes through the SDK's public low-level `post` (its "undocumented endpoints"
door): the client's auth, base URL and Azure deployment paths, timeouts, connection pool and
error classes are the SDK's, but the request body is the JSON-ready dict `_params` builds
(the typed-params transform would walk it again) and the answer is read from its JSON (the
few fields the gateway needs, not a full model tree). That is a fifth of the SDK's CPU per
call, which is what throughput at hundreds of calls in flight is made of. Streams use
`chat.completions.create`, whose event parsing is what a stream needs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import openai

from llmwright.usage import Usage

from ..errors import LLMError
from ..models import CallRequest, Reply
from .base import Provider


class OpenAICompatProvider(Provider):
    def _new_client(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(base_url=self.settings.base_url, **self.sdk_options())

    def _params(self, model: str, request: CallRequest) -> dict[str, Any]:
        messages = [m for m in request.messages if m["role"] != "system"]
        system = request.system_text()
        params: dict[str, Any] = {
            "model": model,
            "messages": ([{"role": "system", "content": system}] if system else []) + messages,
        }
        if request.temperature is not None:
            params["temperature"] = request.temperature
        if request.max_tokens is not None:
            params[self.settings.max_tokens_param] = request.max_tokens
        if request.stop:
            params["stop"] = request.stop
        if request.tools:
            params["tools"] = request.tools
        if request.response_format:
            params["response_format"] = request.response_format
        return params

    async def complete(self, model: str, request: CallRequest, timeout: float) -> Reply:
        try:
            body = await self._client().post(
                "/chat/completions", cast_to=bytes, body=self._params(model, request), options={"timeout": timeout}
            )
            data = json.loads(body)
            choices = data.get("choices") or []
            if not choices:
                raise self.incomplete("the body held no choice")
            choice = choices[0]
            message = choice.get("message") or {}
            text = message.get("content") or ""
            calls = message.get("tool_calls") or []
            usage = _usage_of(data.get("usage"))
        except Exception as exc:
            raise self._map(exc) from exc
        return self.answer(text, usage, choice.get("finish_reason"), calls)

    async def stream(self, model: str, request: CallRequest, timeout: float) -> AsyncIterator[str | Reply]:
        """Complete only once a choice carried its `finish_reason`: a stream that just stops is cut."""
        parts: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        usage, finish = Usage(), None
        try:
            stream = await self._client().chat.completions.create(
                **self._params(model, request), stream=True, stream_options={"include_usage": True}, timeout=timeout
            )
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = _usage(chunk.usage)
                for choice in chunk.choices or ():
                    finish = choice.finish_reason or finish
                    delta = choice.delta
                    if delta is None:
                        continue
                    for call in delta.tool_calls or ():
                        _merge_tool_call(calls, call)
                    if delta.content:
                        parts.append(delta.content)
                        yield delta.content
        except Exception as exc:
            raise self._map(exc) from exc
        if finish is None:
            raise self.incomplete(f"the stream ended without a finish_reason after {len(parts)} deltas")
        yield self.answer("".join(parts), usage, finish, [calls[i] for i in sorted(calls)])

    def _map(self, exc: Exception) -> LLMError:
        return self.sdk_error(exc, openai) or self.malformed(exc)


class AzureOpenAIProvider(OpenAICompatProvider):
    """Azure OpenAI through the SDK's Azure client; the model part of a reference is the deployment."""

    def _new_client(self) -> openai.AsyncOpenAI:
        return openai.AsyncAzureOpenAI(
            azure_endpoint=self.settings.base_url or None,
            api_version=self.settings.options.api_version or "2024-10-21",
            **self.sdk_options(),
        )


def _merge_tool_call(calls: dict[int, dict[str, Any]], delta: Any) -> None:
    """Tool calls arrive in pieces keyed by index: the id and name once, the arguments in fragments."""
    call = calls.setdefault(delta.index, {"id": "", "type": "function", "function": {"name": "", "arguments": ""}})
    call["id"] = delta.id or call["id"]
    if delta.function is not None:
        call["function"]["name"] += delta.function.name or ""
        call["function"]["arguments"] += delta.function.arguments or ""


def _usage_of(raw: Any) -> Usage:
    """`usage` of a chat completion, as the JSON dict the wire carries."""
    if not isinstance(raw, dict):
        return Usage()
    prompt_details = raw.get("prompt_tokens_details") or {}
    completion_details = raw.get("completion_tokens_details") or {}
    return Usage(
        input_tokens=raw.get("prompt_tokens") or 0,
        output_tokens=raw.get("completion_tokens") or 0,
        cache_read_tokens=prompt_details.get("cached_tokens") or 0,
        reasoning_tokens=completion_details.get("reasoning_tokens") or 0,
    )


def _usage(raw: Any) -> Usage:
    if raw is None:
        return Usage()
    prompt_details = getattr(raw, "prompt_tokens_details", None)
    completion_details = getattr(raw, "completion_tokens_details", None)
    return Usage(
        input_tokens=raw.prompt_tokens or 0,
        output_tokens=raw.completion_tokens or 0,
        cache_read_tokens=(getattr(prompt_details, "cached_tokens", 0) or 0) if prompt_details else 0,
        reasoning_tokens=(getattr(completion_details, "reasoning_tokens", 0) or 0) if completion_details else 0,
    )
