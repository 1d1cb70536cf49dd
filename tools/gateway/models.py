"""The unified request and result every provider, front door and test shares (DESIGN.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, field_validator

from llmwright.usage import Usage

Outcome = Literal["ok", "error", "skipped", "cancelled"]


class CallRequest(BaseModel):
    """One chat request in OpenAI shape; each provider translates it to its wire format."""

    messages: list[dict[str, Any]] = Field(min_length=1, description="OpenAI-shape messages: {role, content}")
    system: str | None = Field(None, description="system prompt (merged with any system message)")
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1, le=2_000_000)
    stop: list[str] | None = None
    tools: list[dict[str, Any]] | None = Field(None, description="OpenAI-shape function tools")
    response_format: dict[str, Any] | None = Field(
        None, description='OpenAI-shape: {"type": "json_object"} or {"type": "json_schema", "json_schema": {...}}'
    )
    timeout_s: float | None = Field(None, gt=0, le=3600, description="per-attempt timeout")
    deadline_s: float | None = Field(None, gt=0, le=3600, description="overall deadline, retries and waits included")
    cache_ttl_s: float | None = Field(None, ge=0, description="0 skips the cache for this call")
    redact: Literal["off", "mask", "reversible"] | None = Field(None, description="PII filter; None uses config")

    @field_validator("messages")
    @classmethod
    def _roles(cls, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for i, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in ("system", "user", "assistant", "tool"):
                raise ValueError(f"messages[{i}] needs a role of system, user, assistant or tool")
        return messages

    @classmethod
    def from_prompt(cls, prompt: str, **params: Any) -> CallRequest:
        return cls(messages=[{"role": "user", "content": prompt}], **params)

    def system_text(self) -> str | None:
        """The system prompt: `system` plus any system messages, for wires that lift it out."""
        parts = [self.system] if self.system else []
        parts += [_text(m.get("content")) for m in self.messages if m["role"] == "system"]
        return "\n\n".join(p for p in parts if p) or None

    def cache_params(self) -> dict[str, Any]:
        """What changes the answer: the key of the response cache (timeouts and cache settings excluded)."""
        return self.model_dump(exclude={"timeout_s", "deadline_s", "cache_ttl_s", "redact"}, exclude_none=True)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return "" if content is None else str(content)


class Attempt(BaseModel):
    """One try of one provider: what happened, how long it took and what it cost.

    `outcome` is `ok`, `error` (the provider was asked and failed), `skipped` (never sent: open
    breaker, no key, budget, a rate-limit wait past the deadline) or `cancelled` (the caller gave up
    while it was in flight). An attempt the provider may bill although no answer came back (a
    timeout, a cut stream, a cancellation) carries an estimated cost, marked `estimated`.
    """

    provider: str
    model: str
    outcome: Outcome
    error: str | None = Field(None, description="error class name, e.g. RateLimited")
    message: str | None = Field(None, description="the error message (never holds a key)")
    latency_ms: float = 0.0
    input_tokens: int = Field(0, description="billed (or, when estimated, presumed billed) prompt tokens")
    output_tokens: int = 0
    cost_usd: float | None = Field(None, description="None when nothing was billed or the model is unpriced")
    estimated: bool = Field(False, description="tokens and cost are estimates: no usage came back")
    _started_at: float | None = PrivateAttr(None)  # time.monotonic() when sent; for tracing spans

    @property
    def started_at(self) -> float | None:
        return self._started_at

    def began(self, moment: float) -> Attempt:
        self._started_at = moment
        return self


class CallResult(BaseModel):
    """What a gateway call returns (DESIGN.md contract)."""

    text: str
    provider: str
    model: str
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float | None = Field(None, description="None when the catalog has no price for the model")
    latency_ms: float = 0.0
    cached: bool = False
    attempts: list[Attempt] = Field(default_factory=list)
    link: int = Field(0, description="index in the chain of the model that answered")
    route: str | None = None
    finish_reason: str | None = None
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="e.g. a budget past its warning threshold")
    disabled: bool = Field(False, description="LLMWRIGHT_ENABLED=0: no call was made, degrade gracefully")


class Reply(BaseModel):
    """What a provider returns to the gateway for one attempt."""

    text: str
    usage: Usage = Field(default_factory=Usage)
    finish_reason: str | None = None
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
