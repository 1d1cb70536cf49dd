"""What a prompt run returns: a typed result whatever happened, so callers branch on `status`.

| status | meaning |
| --- | --- |
| `ok` | an answer (for a schema template: JSON that validates, in `output`) |
| `invalid_output` | the answer failed the schema twice; `calls` holds both answers and their errors |
| `disabled` | the gateway is off (`LLMWRIGHT_ENABLED=0` or `[gateway] enabled = false`): no call made |
| `unavailable` | no provider produced an answer; `error` is the gateway's error class, `attempts` each try |
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from llmwright.gateway import Attempt, Usage

from .template import JsonData

Status = Literal["ok", "invalid_output", "disabled", "unavailable"]


class PromptCall(BaseModel):
    """One gateway call of a run: the first, or the corrective retry."""

    text: str
    provider: str
    model: str
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float | None = None
    latency_ms: float = 0.0
    attempts: list[Attempt] = Field(default_factory=list, description="provider tries within this call")
    validation_errors: list[str] = Field(default_factory=list, description="empty when the answer validated")


class PromptRunResult(BaseModel):
    template: str
    status: Status
    reason: str | None = Field(None, description="why the status is not ok, in one line")
    text: str = Field("", description="the final answer as the model wrote it")
    output: JsonData = Field(None, description="parsed JSON for schema templates when valid, else the text")
    provider: str | None = None
    model: str | None = None
    usage: Usage = Field(default_factory=Usage, description="summed over calls")
    cost_usd: float | None = Field(None, description="summed over calls; None if a model is unpriced")
    latency_ms: float = 0.0
    cached: bool = Field(False, description="served from the response cache: no call, no cost")
    calls: list[PromptCall] = Field(default_factory=list)
    error: str | None = Field(None, description="gateway error class when unavailable, e.g. AllProvidersFailed")
    attempts: list[Attempt] = Field(default_factory=list, description="provider tries of a failed call")
    warnings: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class PipelineStepResult(BaseModel):
    id: str
    template: str
    result: PromptRunResult


class PipelineResult(BaseModel):
    pipeline: str
    status: Status
    reason: str | None = None
    failed_step: str | None = Field(None, description="id of the step that stopped the pipeline")
    steps: list[PipelineStepResult] = Field(default_factory=list, description="every step that ran, in order")
    outputs: dict[str, Any] = Field(default_factory=dict, description="step id -> its output")
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float | None = None
    latency_ms: float = 0.0

    @property
    def final_output(self) -> Any:
        """The last step's output when every step succeeded, else None."""
        return self.steps[-1].result.output if self.status == "ok" and self.steps else None


def add_usage(total: Usage, more: Usage) -> Usage:
    return Usage(
        input_tokens=total.input_tokens + more.input_tokens,
        output_tokens=total.output_tokens + more.output_tokens,
        cache_read_tokens=total.cache_read_tokens + more.cache_read_tokens,
        cache_write_tokens=total.cache_write_tokens + more.cache_write_tokens,
        reasoning_tokens=total.reasoning_tokens + more.reasoning_tokens,
    )


def add_cost(costs: list[float | None]) -> float | None:
    """A sum that stays None when any part is unknown: an unpriced call is never a silent $0."""
    if any(c is None for c in costs):
        return None
    return round(sum(c for c in costs if c is not None), 10)
