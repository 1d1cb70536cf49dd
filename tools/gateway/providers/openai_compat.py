"""The OpenAI chat-completions wire, spoken once through the official `openai` SDK.

OpenAI, Azure OpenAI, Groq, Fireworks, OpenRouter, Mistral, DeepSeek, Together, Gemini's
and Hugging Face's OpenAI-compatible endpoints, vLLM, LM Studio and Ollama's `/v1` all use
this module; only their presets differ. The SDK's own retries are off (`max_retries=0`):
the gateway counts and spaces retries itself, so one attempt here is one HTTP request.
"""

from __future__ import annotations

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
            response = await self._client().chat.completions.create(**self._params(model, request), timeout=timeout)
            choice = response.choices[0]
            calls = [c.model_dump(exclude_none=True) for c in (choice.message.tool_calls or [])]
            return Reply(
                text=choice.message.content or "",
                usage=_usage(response.usage),
                finish_reason=choice.finish_reason,
                tool_calls=calls,
            )
        except Exception as exc:
            raise self._map(exc) from exc

    async def stream(self, model: str, request: CallRequest, timeout: float) -> AsyncIterator[str | Reply]:
        parts: list[str] = []
        usage, finish = Usage(), None
        try:
            stream = await self._client().chat.completions.create(
                **self._params(model, request), stream=True, stream_options={"include_usage": True}, timeout=timeout
            )
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = _usage(chunk.usage)
                for choice in chunk.choices:
                    finish = choice.finish_reason or finish
                    delta = choice.delta.content if choice.delta else None
                    if delta:
                        parts.append(delta)
                        yield delta
        except Exception as exc:
            raise self._map(exc) from exc
        yield Reply(text="".join(parts), usage=usage, finish_reason=finish)

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
