"""LLM504 client-per-call."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from itertools import takewhile

from ..context import in_except, retried
from ..module import FuncNode, ModuleModel, dotted, last_name
from ..rule import Hit, Rule

CACHED = (
    "cache",
    "lru_cache",
    "cached_property",
    "functools.cache",
    "functools.lru_cache",
    "functools.cached_property",
    "cachetools.cached",
    "cached",
)
ONCE = (
    "__init__",
    "__post_init__",
    "main",
    "setup",
    "lifespan",
    "startup",
    "on_startup",
    "create_app",
    "init",
    "initialize",
    "initialization",
    "configure",
    "bootstrap",
)


def _lazy(mod: ModuleModel, node: ast.AST) -> bool:
    """Built once and kept: stored in a cache mapping or a global, or built under
    `if x is None:` / `if key not in cache:` where `x` / `cache` is what it is assigned to."""
    parent = mod.parents.get(node)
    if isinstance(parent, ast.Await):
        parent = mod.parents.get(parent)
    target = ""
    if isinstance(parent, ast.Assign | ast.AnnAssign):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if any(isinstance(t, ast.Subscript) for t in targets):
            return True
        if any(isinstance(t, ast.Name) for t in targets):
            func = mod.enclosing_function(node)
            if func is not None and any(isinstance(n, ast.Global | ast.Nonlocal) for n in func.body):
                return True
        target = next((name for name in map(dotted, targets) if name), "")
    if isinstance(parent, ast.Call) and last_name(parent.func) in ("setdefault", "get_or_create"):
        return True
    child: ast.AST = node
    # only guards inside the function: one around its definition does not guard each call of it
    for ancestor in takewhile(lambda a: not isinstance(a, FuncNode), mod.ancestors(node)):
        if isinstance(ancestor, ast.If) and child in ancestor.body and target:
            test = ast.unparse(ancestor.test)
            guards = (" is None", " not in ", "not ", "is not None")
            if target.rpartition(".")[2] in test and any(g in test or test.startswith(g.strip()) for g in guards):
                return True
        child = ancestor
    return False


def _cached_by_callers(mod: ModuleModel, func: FuncNode) -> bool:
    callers = mod.callers(func)
    return bool(callers) and all(_lazy(mod, c) for c in callers)


def _at_startup(mod: ModuleModel, func: FuncNode) -> bool:
    """A set-up function, one nested in one, or one that only set-up code calls."""
    if func.name in ONCE or any(isinstance(a, FuncNode) and a.name in ONCE for a in mod.ancestors(func)):
        return True
    return _startup_only(mod, func)


def _startup_only(mod: ModuleModel, func: FuncNode) -> bool:
    """Called only at import time or from set-up functions."""
    callers = mod.callers(func)
    if not callers:
        return False
    for caller in callers:
        outer = mod.enclosing_function(caller)
        if outer is not None and outer.name not in ONCE:
            return False
    return True


def _per_request(mod: ModuleModel, func: FuncNode, depth: int = 0) -> bool:
    """A route handler, or called (uncached, not on an error path) from one or from a batch loop."""
    if mod.is_route_handler(func):
        return True
    if depth > 3:
        return False
    for caller in mod.callers(func):
        if _lazy(mod, caller) or in_except(mod, caller):
            continue
        outer = mod.enclosing_function(caller)
        if outer is None or outer is func or outer.name in ONCE:
            continue
        if mod.in_loop(caller) and not retried(mod, caller) and not _startup_only(mod, outer):
            return True
        if _per_request(mod, outer, depth + 1):
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
            node = client.node
            if node is None or _lazy(mod, node):
                continue
            func = mod.enclosing_function(node)
            if func is not None and (func.name in ONCE or any(d in CACHED for d in mod.decorator_names(func))):
                continue
            if mod.in_loop(node):
                if func is None or retried(mod, node) or _at_startup(mod, func):
                    continue  # built once per configured endpoint at start-up, or retried while setting up
                yield Hit(node, f"{client.kind.library} client constructed inside a loop")
                continue
            if func is None or _cached_by_callers(mod, func):
                continue
            if _per_request(mod, func):
                yield Hit(node, f"{client.kind.library} client constructed on every call of {func.name}()")


RULE = ClientPerCall
