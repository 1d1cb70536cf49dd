"""LLM107 stream-unguarded."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..dataflow import names_in
from ..module import FuncNode, ModuleModel
from ..rule import Hit, Rule


class StreamUnguarded(Rule):
    """## What it does
    Flags a loop over a streamed LLM response (`stream=True`, `.stream(...)`) that no
    `try`/`except` surrounds.

    ## Why is this bad?
    A stream can fail half-way: a dropped connection, an overload event, a timeout between
    chunks. Unguarded, the user sees half an answer and then a broken connection, and
    nothing records that the answer was incomplete.

    ## Example
    ```python
    for chunk in client.chat.completions.create(model=m, messages=msgs, stream=True):
        yield chunk.choices[0].delta.content or ""
    ```

    ## Use instead
    ```python
    try:
        for chunk in client.chat.completions.create(model=m, messages=msgs, stream=True):
            yield chunk.choices[0].delta.content or ""
    except openai.APIError:
        yield "\\n[the answer was interrupted, please retry]"
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
        streams = [c for c in mod.calls if c.kind == "stream"]
        for call in streams:
            scope = mod.enclosing_function(call.node) or mod.tree
            holders = self._holders(mod, call.node)
            for node in ast.walk(scope):
                consumes = isinstance(node, ast.For | ast.AsyncFor) and (
                    call.node in set(ast.walk(node.iter)) or bool(names_in(node.iter) & holders)
                )
                if consumes and not mod.in_handled_try(node) and not self._caller_guards(mod, scope):
                    yield Hit(node, "stream consumed with no handling of a mid-stream failure")

    def _holders(self, mod: ModuleModel, call: ast.Call) -> set[str]:
        parent = mod.parents.get(call)
        if isinstance(parent, ast.Await):
            parent = mod.parents.get(parent)
        if isinstance(parent, ast.Assign):
            return names_in(parent.targets[0])
        if isinstance(parent, ast.withitem) and parent.optional_vars is not None:
            return names_in(parent.optional_vars)
        return set()

    def _caller_guards(self, mod: ModuleModel, scope: ast.AST) -> bool:
        if not isinstance(scope, FuncNode):
            return False
        callers = mod.callers(scope)
        return bool(callers) and all(mod.in_handled_try(c) for c in callers)


RULE = StreamUnguarded
