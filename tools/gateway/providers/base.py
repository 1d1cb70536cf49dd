"""What every wire protocol implements, and how a provider name becomes connection settings.

A provider is a row of `llmwright/providers.toml` (base URL, key variable; overridable in
`[providers.NAME]`) plus a wire protocol (`kind`). Wire modules translate `CallRequest`
to their format and map their SDK's exceptions onto `llmwright.gateway.errors`.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from llmwright.config import Config, ProviderConfig
from llmwright.errors import InvalidInput
from llmwright.providers import canonical_provider as table_canonical
from llmwright.providers import provider_rows
from llmwright.secrets import register_key_env, scrub_secrets
from llmwright.usage import Usage

from ..errors import (
    ContentRefused,
    IncompleteResponse,
    LLMError,
    NotConfigured,
    Overloaded,
    ProviderUnavailable,
    RateLimited,
    Timeout,
    error_for_status,
    parse_retry_after,
)
from ..loops import PerLoop
from ..models import CallRequest, Reply


@dataclass(frozen=True)
class ProviderSettings:
    name: str
    kind: str
    base_url: str
    api_key_env: str
    max_tokens_param: str
    options: ProviderConfig

    def api_key(self) -> str | None:
        """Read at call time, from the environment only; never stored elsewhere."""
        return os.environ.get(self.api_key_env) if self.api_key_env else None

    def require_key(self) -> str:
        if not self.api_key_env:
            return "not-needed"
        key = self.api_key()
        if not key:
            raise NotConfigured(f"{self.api_key_env} is not set", provider=self.name)
        return key


def canonical_provider(name: str, config: Config) -> str:
    """The canonical name of a provider: a `[providers.NAME]` table of the config, or a row of the table."""
    try:
        return table_canonical(name, extra=config.providers)
    except InvalidInput as exc:
        key = name.strip().lower()
        raise InvalidInput(f"{exc} Or add a [providers.{key}] table with kind and base_url.") from exc


def settings_for(name: str, config: Config) -> ProviderSettings:
    canonical = canonical_provider(name, config)
    row = provider_rows().get(canonical)
    options = config.providers.get(canonical, ProviderConfig())
    kind = options.kind or (row.kind if row else None)
    base_url = options.base_url if options.base_url is not None else (row.base_url if row else "")
    if not kind:
        raise InvalidInput(f"[providers.{canonical}] needs kind = openai, azure, anthropic or ollama")
    if kind != "azure" and not base_url:
        raise InvalidInput(f"[providers.{canonical}] needs a base_url")
    key_env = options.api_key_env if options.api_key_env is not None else (row.api_key_env if row else "")
    register_key_env(key_env)
    return ProviderSettings(
        name=canonical,
        kind=kind,
        base_url=base_url,
        api_key_env=key_env,
        max_tokens_param=row.max_tokens_param if row else "max_tokens",
        options=options,
    )


def pool_size(settings: ProviderSettings) -> int | None:
    """Connections to keep for a provider: `max_connections`, else one per request the bulkhead lets
    through (`max_concurrency`); None for the HTTP library's default."""
    return settings.options.max_connections or settings.options.max_concurrency or None


def http_limits(settings: ProviderSettings) -> Any:
    """Pool limits where every connection in use is also kept alive after it: the SDKs' default keeps
    100, so past 100 in flight every response closes a connection and the next request opens one."""
    size = pool_size(settings)
    if size is None:
        return None
    import httpx2

    return httpx2.Limits(max_connections=size, max_keepalive_connections=size)


def http_client(settings: ProviderSettings) -> Any:
    """The SDKs' own httpx client with our pool size, or None for the SDK default.

    A large pool is not free: the SDKs' connection pool (httpcore) scans its connections and its
    queue on every request, so its CPU per request grows with the requests in flight — about 3x
    at 1,000 as at 50. The bulkhead (`max_concurrency`) keeps the pool at its size and queues the
    rest in an O(1) semaphore.
    """
    limits = http_limits(settings)
    if limits is None:
        return None
    import openai

    return openai.DefaultAsyncHttpxClient(limits=limits)


class Provider(ABC):
    """One wire protocol bound to one provider's settings."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self.name = settings.name
        self._pooled: PerLoop[Any] = PerLoop(self._new_client)

    def _new_client(self) -> Any:
        """The wire's SDK or HTTP client; built on first use so configuring a gateway costs nothing."""
        raise NotImplementedError

    def sdk_options(self) -> dict[str, Any]:
        """What each official SDK client gets: the key, our timeout and pool, and none of its own retries."""
        return {
            "api_key": self.settings.require_key(),
            "timeout": self.settings.options.timeout_s,
            "max_retries": 0,  # llmwright: ignore[LLM102] - the gateway counts its own retries
            "http_client": http_client(self.settings),
        }

    def _client(self) -> Any:
        """This event loop's client: a connection pool belongs to the loop it was opened in."""
        return self._pooled.get()

    def ready(self) -> bool:
        return self._pooled.current() is not None

    def new_client(self) -> Any:
        """A client for the running loop, built anywhere (its TLS setup takes a while): `install` it."""
        return self._new_client()

    def install(self, client: Any) -> None:
        self._pooled.put(client)

    @abstractmethod
    async def complete(self, model: str, request: CallRequest, timeout: float) -> Reply: ...

    @abstractmethod
    def stream(self, model: str, request: CallRequest, timeout: float) -> AsyncIterator[str | Reply]:
        """Text deltas as they arrive, then one `Reply` with the whole text and the usage."""

    async def is_available(self) -> bool:
        """Configured (key present) — wires with a cheap health endpoint check it too."""
        return not self.settings.api_key_env or bool(self.settings.api_key())

    async def aclose(self) -> None:
        """Close pooled connections; the next call opens a new client."""
        client = self._pooled.current()
        self._pooled.forget()
        if client is not None:
            await self._close(client)

    async def _close(self, client: Any) -> None:
        await client.close()  # the openai and anthropic SDK clients; plain httpx overrides this

    def status_error(self, status: int, body: object, headers: object, fallback: str) -> LLMError:
        """An HTTP error response mapped onto the hierarchy, its message scrubbed of secrets."""
        message = _message_of(body) or fallback
        return error_for_status(status, self.scrub(message), self.name, parse_retry_after(headers))

    def sdk_error(self, exc: Exception, sdk: ModuleType) -> LLMError | None:
        """The hierarchy's error for an exception of the `openai` or `anthropic` SDK (both share
        the same error classes); None when `exc` is none of them, for the caller to decide."""
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, sdk.APIStatusError) and exc.status_code < 400:
            return self.stream_error(exc.body)
        if isinstance(exc, sdk.APIStatusError):
            return self.status_error(exc.status_code, exc.body, exc.response.headers, exc.message)
        if isinstance(exc, sdk.APITimeoutError):
            return Timeout("request timed out", provider=self.name)
        if isinstance(exc, sdk.APIConnectionError):
            cause = type(exc.__cause__).__name__ if exc.__cause__ else "connection error"
            return ProviderUnavailable(f"connection failed ({cause})", provider=self.name)
        return None

    def answer(
        self, text: str, usage: Usage, finish_reason: str | None, tool_calls: list[dict[str, Any]] | None = None
    ) -> Reply:
        """The reply, once it is one: an answer with neither text nor tool calls is not a success."""
        if not text and not tool_calls:
            if finish_reason in ("content_filter", "refusal"):
                raise ContentRefused(f"the answer was withheld (finish_reason {finish_reason})", provider=self.name)
            raise self.incomplete(f"no text and no tool call (finish_reason {finish_reason})")
        return Reply(text=text, usage=usage, finish_reason=finish_reason, tool_calls=tool_calls or [])

    def stream_error(self, body: object) -> LLMError:
        """An error event inside a 200 stream (Anthropic's `event: error`, an OpenAI `{"error": …}` chunk):
        the HTTP status says nothing, so the error's type decides; all of them may pass if tried again."""
        message = self.scrub(_message_of(body) or "error event in the stream")
        kind = str(_error_type(body)).lower()
        if "overloaded" in kind or "overloaded" in message.lower():
            return Overloaded(f"stream error event: {message}", provider=self.name)
        if "rate_limit" in kind:
            return RateLimited(f"stream error event: {message}", provider=self.name)
        return ProviderUnavailable(f"stream error event: {message}", provider=self.name)

    def incomplete(self, what: str) -> IncompleteResponse:
        return IncompleteResponse(f"incomplete response: {what}", provider=self.name)

    def malformed(self, exc: Exception) -> LLMError:
        """A 200 whose body could not be read as the wire's answer: incomplete, never a success."""
        return IncompleteResponse(f"malformed response ({type(exc).__name__})", provider=self.name)

    def scrub(self, text: str) -> str:
        return scrub_secrets(text, [self.settings.api_key_env] if self.settings.api_key_env else [])


def _error_type(body: object) -> object:
    if isinstance(body, dict):
        error = body.get("error", body)
        return error.get("type", "") if isinstance(error, dict) else ""
    return ""


def _message_of(body: object) -> str:
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return str(error.get("message") or error.get("type") or "")[:500]
        return str(error)[:500]
    return str(body)[:500] if body else ""
