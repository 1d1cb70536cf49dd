"""The provider gateway: one call, many providers, with fallback.

from llmwright.gateway import Gateway

async with Gateway() as gateway:
    result = await gateway.complete("Say hi", "anthropic:claude-sonnet-4-5", fallback=["openai:gpt-4o-mini"])
"""

from llmwright.usage import Usage

from .errors import (
    AllProvidersFailed,
    AuthFailed,
    BadRequest,
    BudgetExceeded,
    CircuitOpen,
    ContentRefused,
    ContextTooLong,
    IncompleteResponse,
    LLMError,
    NotConfigured,
    Overloaded,
    ProviderUnavailable,
    RateLimited,
    RetryableError,
    Skipped,
    StreamInterrupted,
    TerminalError,
    Timeout,
)
from .gateway import Gateway
from .models import Attempt, CallRequest, CallResult, Reply
from .providers import WIRES, Provider, ProviderSettings, build_provider
from .status import ProviderStatus

__all__ = [
    "WIRES",
    "AllProvidersFailed",
    "Attempt",
    "AuthFailed",
    "BadRequest",
    "BudgetExceeded",
    "CallRequest",
    "CallResult",
    "CircuitOpen",
    "ContentRefused",
    "ContextTooLong",
    "Gateway",
    "IncompleteResponse",
    "LLMError",
    "NotConfigured",
    "Overloaded",
    "Provider",
    "ProviderSettings",
    "ProviderStatus",
    "ProviderUnavailable",
    "RateLimited",
    "Reply",
    "RetryableError",
    "Skipped",
    "StreamInterrupted",
    "TerminalError",
    "Timeout",
    "Usage",
    "build_provider",
]
