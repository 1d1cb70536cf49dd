"""What a user needs from a model: every field optional but the task, and nothing unknown accepted.

A misspelled key (`contxt`) or value (`kind: "cod"`, `data_residency: "europe"`) is an error
naming the closest valid one: silently dropping it would recommend a model for requirements
the user never stated.
"""

from __future__ import annotations

import difflib
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..catalog import TIERS, Capability, Tier, parse_capability
from ..errors import InvalidInput
from ..providers import canonical_residency

TaskKind = Literal[
    "classification", "extraction", "summarization", "chat", "code", "reasoning", "rag", "translation", "vision"
]
TASK_KINDS: tuple[TaskKind, ...] = get_args(TaskKind)
Complexity = Literal["low", "medium", "high"]
COMPLEXITIES: tuple[Complexity, ...] = get_args(Complexity)
CHOICES: dict[str, tuple[str, ...]] = {"kind": TASK_KINDS, "complexity": COMPLEXITIES, "min_tier": TIERS}


def closest(value: str, valid: list[str] | tuple[str, ...]) -> str:
    """` Did you mean 'x'?` for the nearest valid name, or '' when none is near."""
    close = difflib.get_close_matches(value.lower(), list(valid), n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


class Requirements(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: str = Field(min_length=3, max_length=4000, description="what the model will do, in plain words")
    kind: TaskKind | None = Field(None, description="task kind; inferred from the task when not given")
    complexity: Complexity | None = Field(None, description="inferred from the task when not given")
    requests_per_day: float | None = Field(None, gt=0, le=1e10)
    input_tokens: int | None = Field(
        None,
        ge=1,
        le=10_000_000,
        description="typical input tokens per request (default: context_tokens, else typical)",
    )
    output_tokens: int | None = Field(None, ge=1, le=1_000_000, description="typical output tokens per request")
    max_cost_per_request: float | None = Field(None, gt=0)
    max_cost_per_day: float | None = Field(None, gt=0)
    max_cost_per_1m_tokens: float | None = Field(None, gt=0, description="blended USD per million tokens")
    latency_p95_s: float | None = Field(None, gt=0, description="p95 seconds for a whole response")
    context_tokens: int | None = Field(
        None, ge=1, le=100_000_000, description="context sent with every request; sizes input tokens too"
    )
    needs: list[Capability] = Field(default_factory=list)
    local_only: bool = False
    providers: list[str] = Field(default_factory=list, description="allowed providers (empty: any hosted one)")
    exclude_providers: list[str] = Field(default_factory=list)
    data_residency: str | None = Field(
        None, description="region requests must stay in: us, eu, uk, ca, cn, jp, in, au (unknown residency fails)"
    )
    min_tier: Tier | None = Field(None, description="minimum quality tier")
    allow_preview: bool = Field(False, description="let preview / experimental models be the primary")

    @model_validator(mode="before")
    @classmethod
    def _known_names(cls, data: Any) -> Any:
        """Unknown keys and values become one message naming the closest valid one."""
        if not isinstance(data, dict):
            return data
        fields = list(cls.model_fields)
        for key in data:
            if key not in cls.model_fields:
                raise ValueError(f"unknown requirement {key!r}.{closest(str(key), fields)} Known: {', '.join(fields)}")
        data = dict(data)
        for key, valid in CHOICES.items():
            value = data.get(key)
            if value is not None and value not in valid:
                raise ValueError(f"{key} {value!r} is not one of {', '.join(valid)}.{closest(str(value), valid)}")
        if isinstance(data.get("needs"), list):
            try:
                data["needs"] = [parse_capability(str(need)) for need in data["needs"]]
            except InvalidInput as exc:
                raise ValueError(str(exc)) from exc
        if isinstance(data.get("data_residency"), str):
            try:
                data["data_residency"] = canonical_residency(data["data_residency"])
            except InvalidInput as exc:
                raise ValueError(str(exc)) from exc
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Requirements:
        if self.max_cost_per_day is not None and self.requests_per_day is None:
            raise ValueError("max_cost_per_day needs requests_per_day to know the volume")
        overlap = set(self.providers) & set(self.exclude_providers)
        if overlap:
            raise ValueError(f"providers both allowed and excluded: {', '.join(sorted(overlap))}")
        if self.context_tokens and self.input_tokens and self.input_tokens > self.context_tokens:
            raise ValueError("input_tokens is more than context_tokens; the context is what every request sends")
        return self

    @property
    def needed_window(self) -> int:
        return max(self.context_tokens or 0, self.input_tokens or 0) + (self.output_tokens or 0)


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
