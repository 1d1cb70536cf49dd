"""LLM301 unbounded-output."""

from __future__ import annotations

from collections.abc import Iterator

from ..module import ModuleModel, has_kwarg
from ..rule import Hit, Rule

LIMITS = ("max_tokens", "max_completion_tokens", "max_output_tokens", "num_predict", "max_new_tokens")
# Anthropic requires max_tokens (the SDK refuses a call without it); Google/Ollama nest it in a config.
GENERATION = {
    "chat.completions.create",
    "chat.completions.parse",
    "beta.chat.completions.parse",
    "responses.create",
    "responses.parse",
    "chat.complete",
    "chat.complete_async",
    "chat.stream",
    "litellm.completion",
    "litellm.acompletion",
}


class UnboundedOutput(Rule):
    """## What it does
    Flags generation calls (OpenAI-style chat/responses, LiteLLM, Mistral, and LangChain
    chat models) that set no output limit (`max_tokens`, `max_completion_tokens`,
    `max_output_tokens`).

    ## Why is this bad?
    Output tokens are the expensive ones and the slow ones. Without a cap, one runaway
    answer (a loop, a repeated list) costs up to the model's full output window and holds
    the request for minutes.

    ## Example
    ```python
    client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    ```

    ## Use instead
    ```python
    client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_completion_tokens=800)
    ```
    """

    id = "LLM301"
    name = "unbounded-output"
    title = "Generation call without an output token limit"
    category = "cost"
    severity = "medium"
    fix = "Set max_tokens / max_completion_tokens / max_output_tokens to what the answer needs."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for call in mod.calls:
            if call.method in GENERATION and not has_kwarg(call.node, *LIMITS):
                yield Hit(call.node, f"{call.method} without an output token limit")
        for client in mod.all_clients:
            if client.kind.chat_object and not client.has_kwarg(*LIMITS):
                yield Hit(client.node, f"{client.kind.library} chat model without max_tokens")


RULE = UnboundedOutput
