"""LLM303 no-prompt-cache."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..module import FuncNode, ModuleModel
from ..rule import Hit, Rule

MIN_CHARS = 4096  # ~1024 tokens, Anthropic's smallest cacheable prefix


class NoPromptCache(Rule):
    """## What it does
    Flags Anthropic calls whose `system` prompt is a long static string (about 1,024
    tokens or more) and that use no `cache_control` anywhere in the call or in the function
    making it (a breakpoint on a message built before the call caches the system prompt too).

    ## Why is this bad?
    The same long prefix is billed at full price on every call. Marked with
    `cache_control`, later calls read it at a tenth of the input price and start faster.

    ## Example
    ```python
    client.messages.create(model=m, max_tokens=800, system=LONG_POLICY, messages=msgs)
    ```

    ## Use instead
    ```python
    client.messages.create(
        model=m, max_tokens=800, messages=msgs,
        system=[{"type": "text", "text": LONG_POLICY, "cache_control": {"type": "ephemeral"}}],
    )
    ```
    """

    id = "LLM303"
    name = "no-prompt-cache"
    title = "Long static system prompt sent to Anthropic without prompt caching"
    category = "cost"
    severity = "low"
    fix = "Mark the static prefix with cache_control: {'type': 'ephemeral'} (system blocks, tools or early messages)."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for call in mod.calls:
            if call.library != "anthropic" or not call.method.endswith(
                ("messages.create", "messages.stream", "messages.parse")
            ):
                continue
            if any(k.arg is None for k in call.node.keywords):
                continue
            text = mod.const_str(call.kwarg("system"))
            if text is None or len(text) < MIN_CHARS:
                continue
            scope = mod.scope(call.node).node  # a cache breakpoint may sit in a message built before the call
            where = scope if isinstance(scope, FuncNode) else call.node
            mentions = any(isinstance(n, ast.Constant) and n.value == "cache_control" for n in ast.walk(where)) or any(
                isinstance(n, ast.keyword) and n.arg == "cache_control" for n in ast.walk(where)
            )
            if not mentions:
                yield Hit(call.node, f"{len(text):,}-character static system prompt billed in full on every call")


RULE = NoPromptCache
