"""One error hierarchy for every provider, so callers catch at the level they care about.

    LLMWrightError (llmwright.errors)
    └── LLMError                      .provider .status .retry_after .attempts
        ├── RetryableError            may succeed later or elsewhere: retried, then the next link
        │   ├── RateLimited           429
        │   ├── Overloaded            503 / 529
        │   ├── Timeout               no answer within the attempt's timeout or the deadline
        │   └── ProviderUnavailable   5xx, connection failed, malformed response
        │       ├── IncompleteResponse  a 200 cut before its terminal event, or with no answer in it
        │       └── Skipped           not tried: nothing would change within this call
        │           ├── CircuitOpen
        │           └── NotConfigured
        ├── TerminalError             will fail again: the chain stops
        │   ├── BadRequest            400 / 404 / 422
        │   ├── AuthFailed            401 / 403
        │   ├── ContextTooLong        moves on to a link whose window fits
        │   ├── ContentRefused
        │   └── RequestRefused        refused before sending (also InvalidInput): nothing went out
        │       └── ModelRetired      .ref .retired_on .replacement
        ├── AllProvidersFailed        every link failed; .attempts lists each try
        ├── BudgetExceeded            refused before sending: a daily cap would be passed
        └── StreamInterrupted         failed after text reached the caller; .partial_text

`RetryableError` means "the same request may succeed later or elsewhere" (rate limits,
overload, outages, timeouts): the gateway retries it and then moves down the fallback
chain. `TerminalError` means "this request will fail again": the chain stops at once,
except for `ContextTooLong`, which moves on to a link whose window fits. Every class
derives from `llmwright.errors.LLMWrightError`, so the CLI shows it as one line.

Messages never hold an API key: providers build them through `llmwright.secrets.scrub_secrets`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from llmwright.errors import InvalidInput, LLMWrightError

if TYPE_CHECKING:
    from .models import Attempt


class LLMError(LLMWrightError):
    """Base of every failure of a provider call.

    Attributes:
        provider: the provider that failed, when one did (None for errors of the whole call).
        status: the HTTP status the provider answered, when it answered.
        retry_after: seconds the provider asked us to wait (Retry-After), when it said.
        attempts: every try the gateway made before giving up (empty for the error of one try).
    """

    provider: str | None
    status: int | None
    retry_after: float | None
    attempts: list[Attempt]

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        attempts: list[Attempt] | None = None,
    ) -> None:
        self.provider = provider
        self.status = status
        self.retry_after = retry_after
        self.attempts = list(attempts or [])
        super().__init__(f"{provider}: {message}" if provider else message)


class RetryableError(LLMError):
    """The request may succeed if tried again later or on another provider."""


class RateLimited(RetryableError):
    """429: the provider asks us to slow down (Retry-After is honoured)."""


class Overloaded(RetryableError):
    """529 / 503: the provider is up but shedding load."""


class ProviderUnavailable(RetryableError):
    """5xx, connection refused or reset, malformed response: the provider did not answer."""


class IncompleteResponse(ProviderUnavailable):
    """A 200 that is not an answer: the stream ended before its terminal event (`finish_reason`,
    `message_stop`, `done`), or the body held no choice, no content block or no text at all.

    Never returned as a success and never cached: before any text reached the caller it is
    retried like an outage; after, the caller gets `StreamInterrupted` with the partial text.
    """


class Timeout(RetryableError):
    """No answer within the per-attempt timeout or the overall deadline."""


class Skipped(ProviderUnavailable):
    """The provider was not tried at all (breaker open, no API key, over its budget).

    Not retried on the same provider: nothing would change within this call.
    """


class CircuitOpen(Skipped):
    """The provider's circuit breaker is open after repeated retryable failures."""


class NotConfigured(Skipped):
    """The provider needs an API key whose environment variable is not set."""


class TerminalError(LLMError):
    """The request itself will fail again: do not retry it."""


class BadRequest(TerminalError):
    """400/404/422: the provider rejects the request (unknown model, bad parameter)."""


class AuthFailed(TerminalError):
    """401/403: the API key is missing, wrong or lacks permission."""


class ContextTooLong(TerminalError):
    """The prompt does not fit the model's context window (fallback moves to a larger one)."""


class ContentRefused(TerminalError):
    """The provider's content policy refused the request or the answer."""


class RequestRefused(TerminalError, InvalidInput):
    """The gateway's pre-flight refused the call before anything was sent: fix the request.

    Also an `InvalidInput`, so the CLI exits 2 and an MCP tool answers with a tool error.
    """


class ModelRetired(RequestRefused):
    """The model is past its retirement date (the provider would answer 404); names the replacement.

    Attributes:
        ref: the catalog reference of the retired model.
        retired_on: its retirement date, when known.
        replacement: the model to use instead, when the provider named one.
    """

    ref: str
    retired_on: date | None
    replacement: str | None

    def __init__(self, ref: str, retired_on: date | None, replacement: str | None) -> None:
        self.ref, self.retired_on, self.replacement = ref, retired_on, replacement
        since = f"since {retired_on}" if retired_on else "on an unknown date"
        instead = f"; use {replacement} instead" if replacement else ""
        super().__init__(
            f"{ref} is retired ({since}){instead}. Nothing was sent; "
            "--allow-retired (or [gateway] allow_retired = true) sends it anyway"
        )


class AllProvidersFailed(LLMError):
    """Every link of the chain failed; `attempts` lists each try in order."""

    def __init__(self, attempts: list[Attempt], message: str | None = None) -> None:
        super().__init__(
            message or f"every provider failed ({len(attempts)} attempts: {_summarise(attempts)})", attempts=attempts
        )


def _summarise(attempts: list[Attempt]) -> str:
    """Each attempt with why it failed; repeats of one failure on one model counted, not listed again."""
    lines: list[str] = []
    counts: list[int] = []
    for a in attempts:
        why = (a.message or "").removeprefix(f"{a.provider}: ")
        line = f"{a.provider}:{a.model} {a.outcome} {a.error or ''}".strip() + (f": {why}" if why else "")
        if lines and lines[-1] == line:
            counts[-1] += 1
        else:
            lines.append(line)
            counts.append(1)
    return "; ".join(line + (f" x{n}" if n > 1 else "") for line, n in zip(lines, counts, strict=True))


class BudgetExceeded(LLMError):
    """A daily token or dollar cap would be passed: refused before the request is sent."""

    def __init__(self, cap: str, used: float, limit: float, needed: float, message: str | None = None) -> None:
        self.cap, self.used, self.limit, self.needed = cap, used, limit, needed
        super().__init__(
            message or f"budget {cap} would be exceeded: used {used:g} of {limit:g}, this call needs ~{needed:g}"
        )


class StreamInterrupted(LLMError):
    """A stream failed after text reached the caller; `partial_text` is what arrived.

    The gateway never restarts such a stream elsewhere: that would duplicate output and billing.
    """

    def __init__(self, partial_text: str, cause: LLMError, attempts: list[Attempt]) -> None:
        self.partial_text = partial_text
        self.cause = cause
        super().__init__(
            f"stream interrupted after {len(partial_text)} characters: {cause}",
            status=cause.status,
            attempts=attempts,
        )


RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 529}
_CONTEXT_WORDS = ("context length", "context_length", "maximum context", "too many tokens", "prompt is too long")
_POLICY_WORDS = ("content policy", "content_policy", "content management policy", "safety")


def error_for_status(status: int, message: str, provider: str, retry_after: float | None = None) -> LLMError:
    """Map an HTTP status (and the provider's message) to the hierarchy; one table for every provider."""
    low = message.lower()
    kwargs = {"provider": provider, "status": status, "retry_after": retry_after}
    text = f"HTTP {status}: {message}"
    if status == 429:
        return RateLimited(text, **kwargs)
    if status in (503, 529):
        return Overloaded(text, **kwargs)
    if status in (408, 504):
        return Timeout(text, **kwargs)
    if status in RETRYABLE_STATUS or status >= 500:
        return ProviderUnavailable(text, **kwargs)
    if status == 413 or any(word in low for word in _CONTEXT_WORDS):
        return ContextTooLong(text, **kwargs)
    if status in (401, 403):
        return AuthFailed(text, **kwargs)
    if any(word in low for word in _POLICY_WORDS):
        return ContentRefused(text, **kwargs)
    return BadRequest(text, **kwargs)


def parse_retry_after(headers: object) -> float | None:
    """Seconds from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    millis = get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from datetime import UTC, datetime
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return None
