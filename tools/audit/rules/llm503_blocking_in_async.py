"""LLM503 blocking-in-async."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..module import LLMCall, ModuleModel, last_name
from ..rule import Hit, Rule
from ..sites import is_awaited


class BlockingInAsync(Rule):
    """## What it does
    Flags a synchronous LLM client or HTTP call (`OpenAI`, `Anthropic`, `litellm.completion`,
    `requests.post`, LangChain `.invoke`) made inside an `async def`, directly or through a
    synchronous helper of the same module that the `async def` calls (not via a thread). An
    awaited call, or one handed to `asyncio.to_thread` / `run_in_executor`, does not block.

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
        helpers: dict[ast.AST, LLMCall] = {}
        for call in mod.calls:
            if call.is_async or is_awaited(mod, call.node):
                continue  # an awaited call is an async call, whatever the audit knows of its client
            if any(isinstance(a, ast.Lambda) for a in mod.ancestors(call.node)):
                continue
            scope = mod.scope(call.node)
            what = "HTTP call" if call.kind == "http" else "call"
            if isinstance(scope.node, ast.AsyncFunctionDef):
                message = (
                    f"synchronous {call.library} {what} {call.method} blocks the event loop in async {scope.name}()"
                )
                yield Hit(call.node, message)
            elif isinstance(scope.node, ast.FunctionDef):
                helpers.setdefault(scope.node, call)
        for helper, call in helpers.items():  # one level up: async code calling a blocking helper
            for caller in mod.callers(helper):  # type: ignore[arg-type]
                outer = mod.scope(caller)
                if not isinstance(outer.node, ast.AsyncFunctionDef) or is_awaited(mod, caller):
                    continue
                if any(isinstance(a, ast.Lambda) for a in mod.ancestors(caller)) or _threaded(mod, caller):
                    continue
                name = helper.name  # type: ignore[attr-defined]
                message = (
                    f"{name}() makes a synchronous {call.library} call ({call.method}) "
                    f"and blocks the event loop in async {outer.name}()"
                )
                yield Hit(caller, message)


def _threaded(mod: ModuleModel, call: ast.Call) -> bool:
    """Handed to a thread: `await asyncio.to_thread(helper, ...)`, `run_in_executor(None, helper)`."""
    parent = mod.parents.get(call)
    return isinstance(parent, ast.Call) and last_name(parent.func) in (
        "to_thread",
        "run_in_executor",
        "run_sync",
        "sync_to_async",
    )


RULE = BlockingInAsync
