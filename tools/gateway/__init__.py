"""The provider gateway: one call, many providers, with fallback.

from llmwright.gateway import Gateway

async with Gateway() as gateway:
    result = await gateway.complete("Say hi", "anthropic:claude-sonnet-4-6", fallback=["openai:gpt-4o-mini"])
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
    ModelRetired,
    NotConfigured,
    Overloaded,
    ProviderUnavailable,
    RateLimited,
    RequestRefused,
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
    "ModelRetired",
    "NotConfigured",
    "Overloaded",
    "Provider",
    "ProviderSettings",
    "ProviderStatus",
    "ProviderUnavailable",
    "RateLimited",
    "Reply",
    "RequestRefused",
    "RetryableError",
    "Skipped",
    "StreamInterrupted",
    "TerminalError",
    "Timeout",
    "Usage",
    "build_provider",
]
