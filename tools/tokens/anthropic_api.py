"""Exact Claude counts from Anthropic's count-tokens endpoint, when the user asks and has a key.

The key comes only from `ANTHROPIC_API_KEY`; errors never echo it. `ANTHROPIC_BASE_URL`
(read by the SDK) points the call at a proxy or a test server.
"""

from __future__ import annotations

import os

from ..catalog import ModelInfo
from ..errors import InvalidInput, LLMWrightError
from .messages import Conversation

KEY_VARIABLE = "ANTHROPIC_API_KEY"
TIMEOUT_S = 15.0


class CountTokensFailed(LLMWrightError):
    """The count-tokens call did not succeed; the estimate is still available without --exact."""


def _anthropic_messages(conversation: Conversation) -> tuple[str, list[dict]]:
    system = conversation.system
    messages: list[dict] = []
    for message in conversation.messages:
        if message.role in ("system", "developer"):
            system = f"{system}\n{message.text}".strip()
            continue
        role = "assistant" if message.role == "assistant" else "user"
        messages.append({"role": role, "content": message.text or " "})
    return system, messages or [{"role": "user", "content": " "}]


def count_with_api(conversation: Conversation, model: ModelInfo) -> int:
    import anthropic  # imported here: it costs ~2 s and only --exact needs it

    key = os.environ.get(KEY_VARIABLE)
    if not key:
        raise InvalidInput(f"--exact for Claude needs {KEY_VARIABLE} in the environment; without it, drop --exact")
    system, messages = _anthropic_messages(conversation)
    tools = [
        {"name": t.name, "description": t.description, "input_schema": t.parameters or {"type": "object"}}
        for t in conversation.tools
    ]
    client = anthropic.Anthropic(api_key=key, max_retries=1, timeout=TIMEOUT_S)
    kwargs: dict = {"model": model.model, "messages": messages}
    if system:
        kwargs["system"] = system
    if tools:
        kwargs["tools"] = tools
    try:
        result = client.messages.count_tokens(**kwargs)
    except anthropic.APIStatusError as exc:
        raise CountTokensFailed(f"Anthropic count-tokens answered HTTP {exc.status_code} for {model.ref}") from exc
    except anthropic.APIError as exc:
        raise CountTokensFailed(f"Anthropic count-tokens could not be reached ({type(exc).__name__})") from exc
    finally:
        client.close()
    return int(result.input_tokens)
