"""From a model reference to what a call needs: the provider link, the API model id, the
catalog entry (prices, window) — and the estimates made before a call is sent.

The catalog and the tokenizers take a second or more to load the first time. A `Target` is
therefore cheap to build (a reference checked for shape), its catalog entry is looked up on
first need, and the gateway does that first look-up, and the first token count, in a worker
thread: a call never blocks the event loop on a load.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from llmwright.config import Config, ProviderConfig
from llmwright.errors import LLMWrightError

from .loops import PerLoop
from .models import CallRequest

if TYPE_CHECKING:
    from llmwright.catalog import ModelInfo

DEFAULT_OUTPUT_ESTIMATE = 1024
_MISSING = object()
# Prompts longer than this are counted in a thread even once the tokenizer is warm (~1 ms per 4 kB).
INLINE_CHARS = 16_000


@dataclass
class Target:
    ref: str
    provider: str
    model: str
    _info: object = field(default=_MISSING, repr=False)
    _counted: bool = field(default=False, repr=False)
    _first_count: PerLoop[asyncio.Lock] = field(default_factory=lambda: PerLoop(asyncio.Lock), repr=False)

    @property
    def info(self) -> ModelInfo | None:
        """The catalog entry (None for models the catalog does not know); loaded on first use."""
        if self._info is _MISSING:
            self._info = lookup(self.ref, self.provider)
        return cast("ModelInfo | None", self._info)

    @property
    def resolved(self) -> bool:
        return self._info is not _MISSING

    def options(self, config: Config) -> ProviderConfig:
        return config.providers.get(self.provider, ProviderConfig())

    async def count_input(self, request: CallRequest) -> int:
        """Prompt tokens, counted off the event loop while the tokenizer loads (once: a burst of first
        calls waits for one load, not one each) or when the prompt is long."""
        if not self._counted:
            async with self._first_count.get():
                if not self._counted:
                    tokens = await asyncio.to_thread(estimate_input_tokens, request, self.info)
                    self._counted = True
                    return tokens
        if prompt_chars(request) < INLINE_CHARS:
            return estimate_input_tokens(request, self.info)
        return await asyncio.to_thread(estimate_input_tokens, request, self.info)


def lookup(ref: str, provider: str) -> ModelInfo | None:
    """The catalog entry when there is one; unknown models (local, fine-tuned, new) still work, unpriced."""
    from llmwright.catalog import get_catalog, split_ref

    _, model = split_ref(ref)
    try:
        return get_catalog().resolve(f"{provider}:{model}")
    except LLMWrightError:
        return None


async def resolve(targets: list[Target]) -> None:
    """Look up the catalog entries not looked up yet, in a worker thread."""
    pending = [t for t in targets if not t.resolved]
    if pending:
        await asyncio.to_thread(lambda: [t.info for t in pending])


def prompt_chars(request: CallRequest) -> int:
    return sum(len(str(m.get("content") or "")) for m in request.messages) + len(request.system or "")


def estimate_input_tokens(request: CallRequest, info: ModelInfo | None) -> int:
    """Prompt tokens before sending (tiktoken where exact, calibrated estimates elsewhere)."""
    if info is not None:
        try:
            from llmwright.tokens import count_conversation, parse_conversation

            payload = {"system": request.system, "messages": request.messages} if request.system else request.messages
            return count_conversation(parse_conversation(payload), info).tokens
        except (LLMWrightError, ValueError):
            pass
    return prompt_chars(request) // 4 + 4 * len(request.messages)


def output_estimate(request: CallRequest, info: ModelInfo | None) -> int:
    if request.max_tokens:
        return request.max_tokens
    cap = info.max_output_tokens if info and info.max_output_tokens else DEFAULT_OUTPUT_ESTIMATE
    return min(cap, DEFAULT_OUTPUT_ESTIMATE)
