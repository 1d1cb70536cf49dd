"""LLM503 blocking-in-async."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..module import ModuleModel
from ..sites import is_awaited
from ..rule import Hit, Rule


class BlockingInAsync(Rule):
    """## What it does
    Flags a synchronous LLM client or HTTP call (`OpenAI`, `Anthropic`, `litellm.completion`,
    `requests.post`, LangChain `.invoke`) made directly inside an `async def`.

    ## Why is this bad?
    An LLM call takes seconds. Made synchronously inside a coroutine it blocks the event
    loop: every other request on that worker waits, health checks time out, and the
    service looks down under modest load.

    ## Example
    ```python
    async def answer(q: str):
        return OpenAI().chat.completions.create(model="gpt-4o-mini", messages=[...])
    ```

    ## Use instead
    ```python
    client = AsyncOpenAI(timeout=30)
    async def answer(q: str):
        return await client.chat.completions.create(model="gpt-4o-mini", messages=[...])
    ```
    """

    id = "LLM503"
    name = "blocking-in-async"
    title = "Synchronous LLM call inside async code"
    category = "reliability"
    severity = "high"
    fix = "Use the async client (AsyncOpenAI, AsyncAnthropic, litellm.acompletion, .ainvoke) or asyncio.to_thread(...)."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for call in mod.calls:
            if call.is_async or is_awaited(mod, call.node):
                continue  # an awaited call is an async call, whatever the audit knows of its client
            scope = mod.scope(call.node)
            if not isinstance(scope.node, ast.AsyncFunctionDef):
                continue
            if any(isinstance(a, ast.Lambda) for a in mod.ancestors(call.node)):
                continue
            what = "HTTP call" if call.kind == "http" else "call"
            message = f"synchronous {call.library} {what} {call.method} blocks the event loop in async {scope.name}()"
            yield Hit(call.node, message)


RULE = BlockingInAsync
