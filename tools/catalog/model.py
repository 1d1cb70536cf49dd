"""The shape of one catalog entry, shared by every front door and capability."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from .lifecycle import Status, lifecycle_notice

Capability = Literal["tools", "vision", "json", "structured_output", "reasoning", "streaming"]
CAPABILITIES: tuple[Capability, ...] = ("tools", "vision", "json", "structured_output", "reasoning", "streaming")
Hosting = Literal["hosted", "local"]
ModelKind = Literal["chat", "embedding"]


class Prices(BaseModel):
    """USD per million tokens. `None` means the provider has no such price (not zero)."""

    input: float | None = None
    output: float | None = None
    cache_read: float | None = None
    cache_write: float | None = None
    batch_input: float | None = None
    batch_output: float | None = None
    tiered: bool = Field(False, description="long prompts pay a higher rate past a threshold")
    tier_threshold: int | None = Field(None, description="input tokens past which the higher rate applies")
    source: str = Field("", description="where the prices come from")


class Source(BaseModel):
    """Where a part of an entry comes from, and when it was checked."""

    covers: str = Field(description="which fields this source provides")
    ref: str = Field(description="URL or data set name")
    checked: str = Field(description="ISO date the data was checked or extracted")


class ModelInfo(BaseModel):
    ref: str = Field(description="provider:model, the reference every tool accepts")
    provider: str
    model: str = Field(description="the id the provider's API expects")
    name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    hosting: Hosting = "hosted"
    kind: ModelKind = Field("chat", description="chat (text generation) or embedding (vectors; input tokens only)")
    dimensions: int | None = Field(None, description="an embedding model's default vector size")
    first_party: str | None = Field(
        None, description="for a cloud's copy (Azure, Bedrock, Vertex): the model's reference at its maker"
    )
    prices: Prices | None = Field(None, description="None when no price is known")
    context_window: int | None = Field(None, description="input window in tokens (an embedding model's max input)")
    max_output_tokens: int | None = None
    capabilities: list[Capability] = Field(default_factory=list)
    status: Status = "active"
    deprecated_on: date | None = None
    retires_on: date | None = None
    replacement: str | None = None
    tokenizer: str | None = Field(None, description="tokenizer family hint, e.g. claude-2026")
    sources: list[Source] = Field(default_factory=list)

    @property
    def notice(self) -> str | None:
        """What every door says about a model that is not active: retired since, or retiring on, and instead."""
        return lifecycle_notice(self.ref, self.status, self.retires_on, self.replacement)

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities

    @property
    def free_trial_tier(self) -> bool:
        """A hosted model priced at zero is a rate-limited free tier: never suggest building on it."""
        return self.hosting == "hosted" and self.prices is not None and not (self.prices.input or self.prices.output)
