"""LLM301 unbounded-output."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import ProjectFacts
from ..judge import callers_pass, client_hit, grouped_unverified, site_hit
from ..options import MAX_TOKEN_KEYS
from ..rule import ProjectHit, Rule

# Anthropic requires max_tokens (the SDK refuses a call without it); legacy completions default to 16.
GENERATION = {
    "chat.completions.create",
    "chat.completions.parse",
    "chat.completions.stream",
    "beta.chat.completions.parse",
    "beta.chat.completions.stream",
    "responses.create",
    "responses.parse",
    "responses.stream",
    "chat.complete",
    "chat.complete_async",
    "chat.stream",
    "chat.stream_async",
    "litellm.completion",
    "litellm.acompletion",
    "openai.ChatCompletion.create",
    "openai.ChatCompletion.acreate",
}


class UnboundedOutput(Rule):
    """## What it does
    Flags chat generation calls without an output token limit (OpenAI, Azure, Mistral,
    LiteLLM and the OpenAI-compatible APIs that default to "as long as the model likes"), and
    LangChain / LlamaIndex chat models built without `max_tokens`. A limit counts when it is
    passed directly, in a dict expanded with `**`, or in `extra_body`; when it arrives through
    `**kwargs`, the callers of the function are checked, and a limit no caller shows is
    reported as *unverified*.

    ## Why is this bad?
    Output tokens cost 4–8× input tokens. A prompt that makes a model ramble, loop or
    dump a document turns one call into the most expensive one of the day, and it is slow.

    ## Example
    ```python
    client.chat.completions.create(model="gpt-4o-mini", messages=msgs)
    ```

    ## Use instead
    ```python
    client.chat.completions.create(model="gpt-4o-mini", messages=msgs, max_tokens=500)
    ```
    """

    id = "LLM301"
    name = "unbounded-output"
    title = "Generation call without an output token limit"
    category = "cost"
    severity = "medium"
    fix = "Set max_tokens / max_completion_tokens / max_output_tokens to what the answer needs."
    scope = "calls"

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        for site in facts.sites:
            if site.method not in GENERATION or site.max_tokens:
                continue
            if site.max_tokens is False:
                yield site_hit(site, f"{site.method} without an output token limit")
                continue
            passed, example = callers_pass(facts, site, MAX_TOKEN_KEYS) if site.forwarded else (None, None)
            if passed:
                continue
            if example is not None:  # callers_pass names an example exactly when a caller passes none
                message = (
                    f"{site.method} without an output token limit: "
                    f"{example.path}:{example.line} calls {site.function}() without one"
                )
                yield site_hit(site, message)
            else:
                yield site_hit(
                    site, f"{site.method}: no output token limit visible (options arrive from elsewhere)", True
                )
        pending = []
        for client in facts.clients:
            if client.chat_object and not client.embedding and client.max_tokens is not True:
                if client.max_tokens is None:
                    pending.append((client, f"{client.library} chat model built from **kwargs: no max_tokens visible"))
                else:
                    yield client_hit(client, f"{client.library} chat model without max_tokens")
        yield from grouped_unverified(pending, "no max_tokens")


RULE = UnboundedOutput
