"""What a user needs from a model: every field optional but the task."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from ..catalog import Capability

TaskKind = Literal[
    "classification", "extraction", "summarization", "chat", "code", "reasoning", "rag", "translation", "vision"
]
TASK_KINDS: tuple[TaskKind, ...] = (
    "classification",
    "extraction",
    "summarization",
    "chat",
    "code",
    "reasoning",
    "rag",
    "translation",
    "vision",
)
Complexity = Literal["low", "medium", "high"]
Tier = Literal["small", "mid", "strong", "frontier"]
TIERS: tuple[Tier, ...] = ("small", "mid", "strong", "frontier")


class Requirements(BaseModel):
    task: str = Field(min_length=3, max_length=4000, description="what the model will do, in plain words")
    kind: TaskKind | None = Field(None, description="task kind; inferred from the task when not given")
    complexity: Complexity | None = Field(None, description="inferred from the task when not given")
    requests_per_day: float | None = Field(None, gt=0, le=1e10)
    input_tokens: int | None = Field(None, ge=1, le=10_000_000, description="typical input tokens per request")
    output_tokens: int | None = Field(None, ge=1, le=1_000_000, description="typical output tokens per request")
    max_cost_per_request: float | None = Field(None, gt=0)
    max_cost_per_day: float | None = Field(None, gt=0)
    max_cost_per_1m_tokens: float | None = Field(None, gt=0, description="blended USD per million tokens")
    latency_p95_s: float | None = Field(None, gt=0, description="p95 seconds for a whole response")
    context_tokens: int | None = Field(None, ge=1, le=100_000_000, description="context the task needs")
    needs: list[Capability] = Field(default_factory=list)
    local_only: bool = False
    providers: list[str] = Field(default_factory=list, description="allowed providers (empty: any)")
    exclude_providers: list[str] = Field(default_factory=list)
    data_residency: str | None = Field(None, description="a note carried into the justification")
    min_tier: Tier | None = Field(None, description="minimum quality tier")

    @model_validator(mode="after")
    def _consistent(self) -> Requirements:
        if self.max_cost_per_day is not None and self.requests_per_day is None:
            raise ValueError("max_cost_per_day needs requests_per_day to know the volume")
        overlap = set(self.providers) & set(self.exclude_providers)
        if overlap:
            raise ValueError(f"providers both allowed and excluded: {', '.join(sorted(overlap))}")
        return self

    @property
    def needed_window(self) -> int:
        return (self.context_tokens or self.input_tokens or 0) + (self.output_tokens or 0)


# Typical tokens per request by task kind, used when the user gives none (and said so in the output):
# a ticket to classify is short and its answer a label; code and reasoning read and write far more.
TYPICAL_TOKENS: dict[TaskKind, tuple[int, int]] = {
    "classification": (400, 10),
    "extraction": (1000, 150),
    "summarization": (2000, 200),
    "chat": (800, 300),
    "code": (3000, 800),
    "reasoning": (2000, 1000),
    "rag": (3000, 400),
    "translation": (500, 550),
    "vision": (1500, 200),
}
