"""LLM105 unbounded-concurrency."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..libraries import LIMITER_NAMES
from ..module import FuncNode, ModuleModel, dotted, last_name
from ..rule import Hit, Rule

FAN_OUT = ("gather", "as_completed", "wait")


def _llm_functions(mod: ModuleModel) -> set[str]:
    """Names of module functions that make an LLM call (directly or one level down)."""
    direct = {f.name for c in mod.calls if (f := mod.enclosing_function(c.node)) is not None}
    found = set(direct)
    for node, scope in mod.scopes.items():
        if isinstance(node, FuncNode) and any(last_name(c.func) in direct for c in scope.calls):
            found.add(node.name)
    return found


class UnboundedConcurrency(Rule):
    """## What it does
    Flags LLM calls fanned out with `asyncio.gather`, `create_task`/`TaskGroup` in a loop,
    or `executor.map`, in a module with no semaphore or rate limiter.

    ## Why is this bad?
    Fanning out over a list of unknown length sends every request at once: a 500-item
    batch is 500 simultaneous calls, a wall of 429s, retries that make it worse, and
    possibly a tripped spend limit. A semaphore or limiter keeps throughput at what
    your quota allows.

    ## Example
    ```python
    results = await asyncio.gather(*(summarize(doc) for doc in docs))
    ```

    ## Use instead
    ```python
    limit = asyncio.Semaphore(8)

    async def bounded(doc):
        async with limit:
            return await summarize(doc)

    results = await asyncio.gather(*(bounded(doc) for doc in docs))
    ```
    """

    id = "LLM105"
    name = "unbounded-concurrency"
    title = "LLM calls fanned out with no concurrency limit"
    category = "reliability"
    severity = "medium"
    fix = "Bound the fan-out: an asyncio.Semaphore, aiolimiter.AsyncLimiter, or a pool with a small max_workers."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        if not mod.calls or self._limited(mod):
            return
        llm = _llm_functions(mod)
        llm_nodes = {c.node for c in mod.calls}
        for node in mod.all_calls:
            name = dotted(node.func) or ""
            attr = name.rpartition(".")[2]
            spread = any(isinstance(a, ast.Starred) for a in node.args)
            fan = (
                (attr in FAN_OUT and name.startswith(("asyncio", "anyio")) and spread)
                or (attr in ("create_task", "start_soon", "submit") and mod.in_loop(node))
                or ((attr == "map" and "executor" in name.lower()) or (attr == "map" and "pool" in name.lower()))
            )
            if not fan:
                continue
            if self._reaches_llm(mod, node, llm, llm_nodes):
                yield Hit(node, "LLM calls fanned out with no semaphore or rate limiter")

    def _limited(self, mod: ModuleModel) -> bool:
        for node in mod.all_calls:
            name = (dotted(node.func) or "").rpartition(".")[2]
            if name in LIMITER_NAMES:
                return True
            if name in ("ThreadPoolExecutor", "ProcessPoolExecutor", "Pool") and (node.args or node.keywords):
                return True
        return mod.imported("aiolimiter", "limits", "ratelimit", "pyrate_limiter")

    def _reaches_llm(self, mod: ModuleModel, fan: ast.Call, llm: set[str], nodes: set[ast.AST]) -> bool:
        gathered: list[ast.AST] = list(ast.walk(fan))
        if fan.args and isinstance(fan.args[0], ast.Starred) and isinstance(fan.args[0].value, ast.Name):
            gathered += mod.scope(fan).calls  # the list of tasks is built elsewhere in the function
        for n in gathered:
            if n in nodes:
                return True
            if isinstance(n, ast.Call | ast.Attribute | ast.Name):  # the fan's own name too: the walk holds fan.func
                target = n.func if isinstance(n, ast.Call) else n
                if (dotted(target) or "").rpartition(".")[2] in llm:
                    return True
        return False


RULE = UnboundedConcurrency
