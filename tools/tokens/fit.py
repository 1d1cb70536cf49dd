"""Does a prompt plus its requested output fit a model's window, and if not, what then.

`truncate` is shared with the gateway: it drops the oldest conversation turns, always
keeping the system prompt and the latest user message, until the rest fits.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..catalog import Catalog, ModelInfo
from ..errors import InvalidInput
from ..providers import suggestible
from .count import count_conversation
from .messages import Conversation


class Fit(BaseModel):
    model: str
    fits: bool | None = Field(description="None when the model's window is unknown")
    input_tokens: int
    max_output_tokens: int
    context_window: int | None
    headroom: int | None = Field(description="window minus input minus output; negative when over")
    used_pct: float | None
    advice: list[str] = Field(default_factory=list)


def check_fit(
    model: ModelInfo,
    input_tokens: int,
    max_output: int,
    catalog: Catalog | None = None,
    error_band: float = 0.0,
) -> Fit:
    window = model.context_window
    if window is None:
        return Fit(
            model=model.ref,
            fits=None,
            input_tokens=input_tokens,
            max_output_tokens=max_output,
            context_window=None,
            headroom=None,
            used_pct=None,
            advice=[f"the catalog has no context window for {model.ref}; check the provider's docs"],
        )
    needed = input_tokens + max_output
    headroom = window - needed
    advice: list[str] = []
    if headroom < 0:
        advice.append(
            f"over by {-headroom:,} tokens: shorten the input "
            "(for chats, drop the oldest turns and keep the system prompt)"
        )
        if window > input_tokens:
            advice.append(f"or lower max output to at most {window - input_tokens:,}")
        if catalog is not None:
            bigger = larger_windows(catalog, model, needed)
            if bigger:
                advice.append("or use a model with a larger window: " + ", ".join(bigger))
    elif error_band and input_tokens * (1 + error_band) + max_output > window:
        advice.append("fits on the estimate but not at the top of its error band; count exactly before relying on it")
    return Fit(
        model=model.ref,
        fits=headroom >= 0,
        input_tokens=input_tokens,
        max_output_tokens=max_output,
        context_window=window,
        headroom=headroom,
        used_pct=round(100 * needed / window, 1),
        advice=advice,
    )


def larger_windows(catalog: Catalog, model: ModelInfo, needed: int, limit: int = 3) -> list[str]:
    candidates = [
        m
        for m in catalog.find(capabilities=model.capabilities, hosting=model.hosting)
        if m.status == "active"
        and m.context_window
        and m.context_window >= needed
        and m.prices is not None
        and suggestible(m.provider, [model.provider])
        and not m.free_trial_tier
    ]
    candidates.sort(key=lambda m: ((m.prices.input or 0) + (m.prices.output or 0), m.ref))  # type: ignore[union-attr]
    return [m.ref for m in candidates[:limit]]


class Truncation(BaseModel):
    conversation: Conversation
    dropped_messages: int
    input_tokens: int
    fits: bool


def truncate(conversation: Conversation, model: ModelInfo, max_output: int) -> Truncation:
    """Drop the oldest turns (never the system prompt nor the last message) until it fits."""
    if model.context_window is None:
        raise InvalidInput(f"cannot truncate for {model.ref}: its context window is unknown")
    budget = model.context_window - max_output
    if budget <= 0:
        raise InvalidInput(
            f"max output {max_output:,} leaves no room in {model.ref}'s {model.context_window:,}-token window"
        )
    messages = list(conversation.messages)
    pinned_system = [m for m in messages if m.role in ("system", "developer")]
    turns = [m for m in messages if m.role not in ("system", "developer")]
    dropped = 0
    current = conversation
    tokens = count_conversation(current, model).tokens
    while tokens > budget and len(turns) > 1:
        turns.pop(0)
        dropped += 1
        while len(turns) > 1 and turns[0].role in ("tool", "function"):
            turns.pop(0)  # a tool result without its call is invalid for every provider
            dropped += 1
        current = conversation.model_copy(update={"messages": pinned_system + turns})
        tokens = count_conversation(current, model).tokens
    return Truncation(conversation=current, dropped_messages=dropped, input_tokens=tokens, fits=tokens <= budget)
