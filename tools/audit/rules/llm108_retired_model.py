"""LLM108 retired-model."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..catalog_lookup import lookup_model
from ..module import ModuleModel
from ..rule import Hit, Rule

MODEL_KWARGS = ("model", "model_name", "model_id")


def model_literals(mod: ModuleModel) -> Iterator[tuple[ast.expr, str, str | None]]:
    """(node, model string, provider hint) for every model named in an LLM call or client."""
    seen: set[int] = set()
    for call in mod.calls:
        yield from _from_call(mod, call.node, call.provider, seen)
    for client in mod.all_clients:
        if client.kind.chat_object:
            yield from _from_call(mod, client.node, client.kind.provider, seen)


def _from_call(mod: ModuleModel, node: ast.Call, provider: str | None, seen: set[int]) -> Iterator:
    for kw in node.keywords:
        if kw.arg in MODEL_KWARGS:
            value = mod.const_str(kw.value)
            target = kw.value if not isinstance(kw.value, ast.Name) else mod.constants.get(kw.value.id, kw.value)
            if value and id(target) not in seen:
                seen.add(id(target))
                yield target, value, provider


class RetiredModel(Rule):
    """## What it does
    Flags model names the catalog marks retired or deprecated, with the replacement.

    ## Why is this bad?
    A retired model returns errors from its retirement date; a deprecated one will. The
    code works in review and fails in production on a date nobody put in a calendar.

    ## Example
    ```python
    client.chat.completions.create(model="gpt-3.5-turbo-0301", messages=messages)
    ```

    ## Use instead
    ```python
    client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    ```
    """

    id = "LLM108"
    name = "retired-model"
    title = "Model that is retired or deprecated"
    category = "correctness"
    severity = "high"
    fix = "Move to the replacement model (see `llmwright models --search NAME`) and pin it in one config value."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for node, model, provider in model_literals(mod):
            info = lookup_model(model, provider)
            if info is None or info.status == "active":
                continue
            when = f" on {info.retires_on}" if info.retires_on else ""
            instead = f"; use {info.replacement}" if info.replacement else ""
            yield Hit(node, f"{model!r} is {info.status} ({info.ref}{when}){instead}")


RULE = RetiredModel
