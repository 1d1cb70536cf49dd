"""Model names the code writes down: where they are, for LLM108 to check against the catalog.

Collected in the worker that parses the file (no catalog there: workers stay light); the
catalog is consulted once, in the main process, when the project rules run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from .module import FuncNode, ModuleModel, Scope, last_name

MODEL_KWARGS = ("model", "model_name", "model_id", "modelId", "deployment_name")
MODEL_NAME = re.compile(r"model", re.IGNORECASE)


def model_literals(mod: ModuleModel) -> Iterator[tuple[ast.expr, str, str | None]]:
    """(node, model string, provider hint) for every model the code names.

    Model arguments of LLM calls and chat-model constructors (reported where the string
    is written, even when it lives in a constant), module and class constants named like a
    model, parameter defaults (`model: str = "..."`), and the defaults of
    `os.getenv("MODEL", "...")` / `config.get("model", "...")`.
    """
    seen: set[int] = set()

    def emit(
        node: ast.expr | None, provider: str | None, scope: Scope | None = None
    ) -> Iterator[tuple[ast.expr, str, str | None]]:
        if node is None:
            return
        target = node
        if isinstance(node, ast.Name):
            target = mod.local_value(node.id, scope) if scope is not None else None  # type: ignore[assignment]
            target = target if target is not None else mod.constants.get(node.id, node)
        if not (isinstance(target, ast.Constant) and isinstance(target.value, str)) or id(target) in seen:
            return
        seen.add(id(target))
        yield target, target.value, provider

    for call in mod.calls:
        for kw in call.node.keywords:
            if kw.arg in MODEL_KWARGS:
                yield from emit(kw.value, call.provider, mod.scope(call.node))
    for client in mod.all_clients:
        if client.kind.chat_object and client.node is not None:
            for kw in client.node.keywords:
                if kw.arg in MODEL_KWARGS:
                    yield from emit(kw.value, client.kind.provider, mod.scope(client.node))
    for name, value in mod.constants.items():
        if MODEL_NAME.search(name):
            yield from emit(value, None)
    for cls in mod.classes.values():
        for stmt in cls.body:
            target = getattr(stmt, "target", None) or (stmt.targets[0] if isinstance(stmt, ast.Assign) else None)
            if isinstance(target, ast.Name) and MODEL_NAME.search(target.id):
                yield from emit(getattr(stmt, "value", None), None)
    calling = {id(mod.scope(c.node)) for c in mod.calls} | {id(mod.scope(c.node)) for c in mod.all_clients if c.node}
    for node, scope in mod.scopes.items():
        if isinstance(node, FuncNode) and id(scope) in calling:  # a default that reaches an LLM call
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
                if MODEL_NAME.search(arg.arg):
                    yield from emit(default, None)
            for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                if default is not None and MODEL_NAME.search(arg.arg):
                    yield from emit(default, None)
    for call in mod.all_calls:
        if last_name(call.func) in ("getenv", "get") and len(call.args) >= 2:
            key = mod.const_str(call.args[0])
            if key and MODEL_NAME.search(key):
                yield from emit(call.args[1], None)
