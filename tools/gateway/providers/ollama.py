"""Ollama's native `/api/chat` over `httpx2`, for what its OpenAI-compatible `/v1` lacks
(model options such as `num_ctx`, JSON-schema `format`, a cheap `/api/tags` health check).
Streaming is newline-delimited JSON, not SSE.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2

from llmwright.usage import Usage

from ..errors import LLMError, ProviderUnavailable, Timeout
from ..models import CallRequest, Reply
from .base import Provider, http_limits


class OllamaProvider(Provider):
    def _new_client(self) -> httpx2.AsyncClient:
        key = self.settings.api_key()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        limits = http_limits(self.settings)
        return httpx2.AsyncClient(
            base_url=self.settings.base_url.rstrip("/"),
            timeout=self.settings.options.timeout_s,
            headers=headers,
            **({"limits": limits} if limits is not None else {}),
        )

    def _body(self, model: str, request: CallRequest, stream: bool) -> dict[str, Any]:
        system = request.system_text()
        messages = [{"role": "system", "content": system}] if system else []
        for m in request.messages:
            if m["role"] != "system":
                content = m.get("content")
                text = content if isinstance(content, str) else "".join(p.get("text", "") for p in content or [])
                messages.append({"role": m["role"], "content": text})
        options: dict[str, Any] = {}
        if request.temperature is not None:
            options["temperature"] = request.temperature
        if request.max_tokens is not None:
            options["num_predict"] = request.max_tokens
        if request.stop:
            options["stop"] = request.stop
        body: dict[str, Any] = {"model": model, "messages": messages, "stream": stream, "options": options}
        if request.tools:
            body["tools"] = request.tools
        if request.response_format:
            schema = request.response_format.get("json_schema", {}).get("schema")
            body["format"] = schema or "json"
        return body

    async def complete(self, model: str, request: CallRequest, timeout: float) -> Reply:
        try:
            response = await self._client().post("/api/chat", json=self._body(model, request, False), timeout=timeout)
            self._check(response, response.text)
            data = response.json()
            if not isinstance(data, dict) or not data.get("done"):
                raise self.incomplete("the body is not a finished message (done is not true)")
            message = data.get("message") or {}
        except Exception as exc:
            raise self._map(exc) from exc
        return self.answer(message.get("content", ""), _usage(data), data.get("done_reason"), message.get("tool_calls"))

    async def stream(self, model: str, request: CallRequest, timeout: float) -> AsyncIterator[str | Reply]:
        parts: list[str] = []
        last: dict[str, Any] = {}
        try:
            body = self._body(model, request, True)
            async with self._client().stream("POST", "/api/chat", json=body, timeout=timeout) as response:
                if response.status_code >= 400:
                    self._check(response, (await response.aread()).decode("utf-8", "replace"))
                async for line in response.aiter_lines():
                    if not line.strip():
                        continue
                    data = json.loads(line)
                    if "error" in data:
                        raise ProviderUnavailable(self.scrub(str(data["error"])), provider=self.name)
                    delta = (data.get("message") or {}).get("content", "")
                    if delta:
                        parts.append(delta)
                        yield delta
                    if data.get("done"):
                        last = data
            if not last:
                raise self.incomplete(f"the stream ended without its done message after {len(parts)} deltas")
        except Exception as exc:
            raise self._map(exc) from exc
        yield self.answer("".join(parts), _usage(last), last.get("done_reason"))

    async def is_available(self) -> bool:
        """Health check: `/api/tags` answers when the Ollama daemon is up."""
        try:
            response = await self._client().get("/api/tags", timeout=2.0)
        except httpx2.HTTPError:
            return False
        return response.status_code == 200

    def _check(self, response: httpx2.Response, text: str) -> None:
        if response.status_code >= 400:
            try:
                body: object = response.json()
            except ValueError:
                body = text
            raise self.status_error(response.status_code, body, response.headers, response.reason_phrase)

    def _map(self, exc: Exception) -> LLMError:
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, httpx2.TimeoutException):
            return Timeout("request timed out", provider=self.name)
        if isinstance(exc, httpx2.TransportError):
            return ProviderUnavailable(f"connection failed ({type(exc).__name__})", provider=self.name)
        return self.malformed(exc)

    async def _close(self, client: httpx2.AsyncClient) -> None:
        await client.aclose()


def _usage(data: dict[str, Any]) -> Usage:
    return Usage(input_tokens=data.get("prompt_eval_count") or 0, output_tokens=data.get("eval_count") or 0)
