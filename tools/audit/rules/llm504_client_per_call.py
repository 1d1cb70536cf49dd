"""LLM504 client-per-call."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..module import FuncNode, ModuleModel
from ..rule import Hit, Rule

CACHED = (
    "cache",
    "lru_cache",
    "cached_property",
    "functools.cache",
    "functools.lru_cache",
    "functools.cached_property",
)
ONCE = ("__init__", "main", "setup", "lifespan", "startup", "on_startup", "create_app", "__post_init__")


def _per_request(mod: ModuleModel, func: FuncNode, depth: int = 0) -> bool:
    """A route handler, or called from one or from a loop within this module."""
    if mod.is_route_handler(func):
        return True
    if depth > 3:
        return False
    for caller in mod.callers(func):
        if mod.in_loop(caller):
            return True
        outer = mod.enclosing_function(caller)
        if outer is not None and outer is not func and _per_request(mod, outer, depth + 1):
            return True
    return False


class ClientPerCall(Rule):
    """## What it does
    Flags an LLM client constructed inside a loop, inside a request handler, or inside a
    function that a handler or a loop calls (unless that function is cached).

    ## Why is this bad?
    Each client owns a connection pool. Building one per request throws away keep-alive
    connections (a new TLS handshake every call, +100–300 ms), leaks sockets under load,
    and resets any client-side rate limiting.

    ## Example
    ```python
    @app.post("/chat")
    def chat(q: str):
        client = OpenAI(timeout=30)
        return client.chat.completions.create(...)
    ```

    ## Use instead
    ```python
    client = OpenAI(timeout=30)  # once, at import or app startup

    @app.post("/chat")
    def chat(q: str):
        return client.chat.completions.create(...)
    ```
    """

    id = "LLM504"
    name = "client-per-call"
    title = "LLM client constructed per request or per loop iteration"
    category = "reliability"
    severity = "medium"
    fix = "Create the client once (module level, app startup or an @lru_cache factory) and reuse it."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for client in mod.all_clients:
            if not isinstance(client.node, ast.Call) or client.node not in mod.parents:
                continue  # annotated parameters are not constructions
            if mod.in_loop(client.node):
                yield Hit(client.node, f"{client.kind.library} client constructed inside a loop")
                continue
            func = mod.enclosing_function(client.node)
            if func is None or func.name in ONCE or any(d in CACHED for d in mod.decorator_names(func)):
                continue
            if _per_request(mod, func):
                yield Hit(client.node, f"{client.kind.library} client constructed on every call of {func.name}()")


RULE = ClientPerCall
