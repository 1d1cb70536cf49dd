"""LLM101 no-timeout."""

from __future__ import annotations

from collections.abc import Iterator

from ..libraries import IMPORTED_CLIENT_METHODS
from ..module import ModuleModel, has_kwarg
from ..rule import Hit, Rule

RAW_HTTP_WITHOUT_DEFAULT = ("requests", "aiohttp")  # httpx defaults to 5 s, requests and aiohttp wait long


class NoTimeout(Rule):
    """## What it does
    Flags LLM clients built without an explicit `timeout`, module-level LLM calls
    (`litellm.completion`, `ollama.chat`) without one, and raw `requests`/`aiohttp` posts
    to a provider endpoint without one.

    ## Why is this bad?
    SDK defaults are minutes (OpenAI and Anthropic: 10 minutes). A stuck connection holds a
    worker, a request and a user for that long, and piles up under load until the
    service stops answering. A deadline you choose turns a hang into an error you handle.

    ## Example
    ```python
    client = OpenAI()
    ```

    ## Use instead
    ```python
    client = OpenAI(timeout=30.0)
    ```
    """

    id = "LLM101"
    name = "no-timeout"
    title = "LLM client or call without an explicit timeout"
    category = "reliability"
    severity = "high"
    fix = (
        "Set a timeout you can live with: OpenAI(timeout=30.0), Anthropic(timeout=30.0), requests.post(..., timeout=30)"
    )

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for client in mod.all_clients:
            if not client.has_kwarg(*client.kind.timeout_kwargs):
                yield Hit(client.node, f"{client.kind.library} client created without a timeout (SDK default: minutes)")
        for call in mod.calls:
            if call.client is not None or call.method in IMPORTED_CLIENT_METHODS:
                continue  # a client's timeout is judged where the client is built
            if call.kind == "http" and call.library not in RAW_HTTP_WITHOUT_DEFAULT:
                continue
            if not has_kwarg(call.node, "timeout", "request_timeout"):
                yield Hit(call.node, f"{call.method} to {call.provider or 'an LLM'} without a timeout")


RULE = NoTimeout
