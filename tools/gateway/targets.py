"""From a model reference to what a call needs: the provider link, the API model id, the
catalog entry (prices, window) — and the estimates made before a call is sent."""

from __future__ import annotations

from dataclasses import dataclass

from llmwright.catalog import ModelInfo, get_catalog, split_ref
from llmwright.config import Config, ProviderConfig
from llmwright.errors import LLMWrightError

from .models import CallRequest

DEFAULT_OUTPUT_ESTIMATE = 1024


@dataclass
class Target:
    ref: str
    provider: str
    model: str
    info: ModelInfo | None

    def options(self, config: Config) -> ProviderConfig:
        return config.providers.get(self.provider, ProviderConfig())


def lookup(ref: str, provider: str) -> ModelInfo | None:
    """The catalog entry when there is one; unknown models (local, fine-tuned, new) still work, unpriced."""
    _, model = split_ref(ref)
    try:
        return get_catalog().resolve(f"{provider}:{model}")
    except LLMWrightError:
        return None


def estimate_input_tokens(request: CallRequest, info: ModelInfo | None) -> int:
    """Prompt tokens before sending (tiktoken where exact, calibrated estimates elsewhere)."""
    if info is not None:
        try:
            from llmwright.tokens import count_conversation, parse_conversation

            payload = {"system": request.system, "messages": request.messages} if request.system else request.messages
            return count_conversation(parse_conversation(payload), info).tokens
        except (LLMWrightError, ValueError):
            pass
    chars = sum(len(str(m.get("content") or "")) for m in request.messages) + len(request.system or "")
    return chars // 4 + 4 * len(request.messages)


def output_estimate(request: CallRequest, info: ModelInfo | None) -> int:
    if request.max_tokens:
        return request.max_tokens
    cap = info.max_output_tokens if info and info.max_output_tokens else DEFAULT_OUTPUT_ESTIMATE
    return min(cap, DEFAULT_OUTPUT_ESTIMATE)
