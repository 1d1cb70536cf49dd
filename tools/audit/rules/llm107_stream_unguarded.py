"""LLM107 stream-unguarded."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import retried
from ..dataflow import names_in
from ..module import FuncNode, LLMCall, ModuleModel, Scope, dotted
from ..rule import Hit, Rule


class StreamUnguarded(Rule):
    """## What it does
    Flags a loop over a streamed LLM response (`stream=True`, `.stream(...)`) that no
    `try`/`except` (catching more than interrupts) surrounds, in its function or in the
    functions of the module that call it. A generator that passes the stream on leaves the
    handling to whoever iterates it: the loops of the module that consume the generator are
    judged instead (consumers in other modules are not followed). A function that a retry
    decorator or loop re-runs when the stream breaks counts as guarded.

    ## Why is this bad?
    A stream can fail half-way: a dropped connection, an overload event, a timeout between
    chunks. Unguarded, the user sees half an answer and then a broken connection, and
    nothing records that the answer was incomplete.

    ## Example
    ```python
    def answer(msgs):
        text = ""
        for chunk in client.chat.completions.create(model=m, messages=msgs, stream=True):
            text += chunk.choices[0].delta.content or ""
        return text
    ```

    ## Use instead
    ```python
    def answer(msgs):
        text = ""
        try:
            for chunk in client.chat.completions.create(model=m, messages=msgs, stream=True):
                text += chunk.choices[0].delta.content or ""
        except openai.APIError as exc:
            raise AnswerInterrupted(partial=text) from exc
        return text
    ```
    """

    id = "LLM107"
    name = "stream-unguarded"
    title = "Streamed response consumed with no mid-stream error handling"
    category = "reliability"
    severity = "medium"
    fix = (
        "Wrap the stream consumption in try/except for the SDK's API errors and tell the caller the answer is partial."
    )

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for call in mod.calls:
            if call.kind not in ("stream", "chat", "http"):
                continue
            if call.kind != "stream" and not self._streams(call):
                continue
            scope = mod.scope(call.node)
            for loop in _consumers(mod, scope, call.node, self._holders(mod, call.node)):
                if _guarded(mod, loop) or self._caller_guards(mod, scope.node) or _retried_whole(mod, scope.node, loop):
                    continue
                if _generator(scope.node):  # each of its loops names the same consumers: reported once
                    yield from self._generator_consumers(mod, scope.node)  # type: ignore[arg-type]
                else:
                    yield Hit(loop, "stream consumed with no handling of a mid-stream failure")

    def _generator_consumers(self, mod: ModuleModel, func: FuncNode) -> Iterator[Hit]:
        """A generator passes the stream on: judge the loops of this module that consume it."""
        for caller in mod.callers(func):
            loop = mod.parents.get(caller)
            if isinstance(loop, ast.For | ast.AsyncFor) and loop.iter is caller and not _guarded(mod, loop):
                yield Hit(loop, f"stream from {func.name}() consumed with no handling of a mid-stream failure")

    def _streams(self, call: LLMCall) -> bool:
        """`stream=True` or `stream=<variable>` on a raw HTTP call (`requests.post(..., stream=True)`), or a
        variable on a chat call: a stream when it is iterated."""
        return any(
            k.arg == "stream" and not (isinstance(k.value, ast.Constant) and not k.value.value)
            for k in call.node.keywords
        )

    def _holders(self, mod: ModuleModel, call: ast.Call) -> set[str]:
        parent = mod.parents.get(call)
        if isinstance(parent, ast.Await):
            parent = mod.parents.get(parent)
        if isinstance(parent, ast.Assign):
            return set().union(*(names_in(target) for target in parent.targets))
        if isinstance(parent, ast.withitem) and parent.optional_vars is not None:
            return names_in(parent.optional_vars)
        return set()

    def _caller_guards(self, mod: ModuleModel, scope: ast.AST) -> bool:
        if not isinstance(scope, FuncNode):
            return False
        callers = mod.callers(scope)
        return bool(callers) and all(mod.in_handled_try(c) for c in callers)


NOT_STREAMS = frozenset({"choices", "content", "data", "candidates", "output", "messages", "parts", "results", "items"})
NOT_GUARDS = frozenset({"KeyboardInterrupt", "StopIteration", "StopAsyncIteration", "GeneratorExit", "CancelledError"})


def _consumers(mod: ModuleModel, scope: Scope, call: ast.Call, holders: set[str]) -> list[ast.For | ast.AsyncFor]:
    """The for-loops that iterate this call's result: directly, or through the names holding it."""
    direct, named = _loop_index(mod).get(id(scope), ({}, {}))
    found = list(direct.get(id(call), ()))
    for name in holders:
        found.extend(named.get(name, ()))
    return found


def _loop_index(mod: ModuleModel) -> dict[int, tuple[dict[int, list], dict[str, list]]]:
    """Per scope: loops by the call they iterate, and by the name they iterate (built once per module)."""
    cached = mod.memo.get("stream_loops")
    if cached is not None:
        return cached  # type: ignore[return-value]
    index: dict[int, tuple[dict[int, list], dict[str, list]]] = {}
    for node in mod.parents:
        if not isinstance(node, ast.For | ast.AsyncFor):
            continue
        direct, named = index.setdefault(id(mod.scope(node)), ({}, {}))
        target = node.iter.value if isinstance(node.iter, ast.Await) else node.iter
        if isinstance(target, ast.Call):
            direct.setdefault(id(target), []).append(node)
            func = target.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.attr.startswith(("iter", "aiter"))
            ):
                named.setdefault(func.value.id, []).append(node)
        elif isinstance(target, ast.Name):
            named.setdefault(target.id, []).append(node)
        elif (
            isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.attr not in NOT_STREAMS
        ):
            named.setdefault(target.value.id, []).append(node)
    mod.memo["stream_loops"] = index
    return index


def _generator(func: ast.AST) -> bool:
    return isinstance(func, FuncNode) and any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(func))


def _retried_whole(mod: ModuleModel, func: ast.AST, loop: ast.AST) -> bool:
    """A function (not a generator) that a retry decorator or loop re-runs when the stream breaks."""
    if not isinstance(func, FuncNode) or _generator(func):
        return False
    return retried(mod, loop)


def _guarded(mod: ModuleModel, loop: ast.AST) -> bool:
    """Inside a try whose handlers catch more than interrupts."""
    child = loop
    for parent in mod.ancestors(loop):
        if isinstance(parent, ast.Try | ast.TryStar) and child in parent.body:
            for handler in parent.handlers:
                names = {"Exception"}
                if handler.type is not None:
                    names = {
                        n.attr if isinstance(n, ast.Attribute) else n.id
                        for n in ast.walk(handler.type)
                        if isinstance(n, ast.Attribute | ast.Name)
                    }
                    names -= {dotted(n.value) for n in ast.walk(handler.type) if isinstance(n, ast.Attribute)}
                if names - NOT_GUARDS:
                    return True
        if isinstance(parent, FuncNode | ast.Lambda):
            return False
        child = parent
    return False


RULE = StreamUnguarded
