"""LLM202 prompt-injection."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..dataflow import names_in, untrusted_names
from ..module import FuncNode, ModuleModel
from ..rule import Hit, Rule

INSTRUCTION_KWARGS = ("system", "instructions", "system_instruction", "system_prompt")


def _interpolated(expr: ast.AST) -> list[ast.AST]:
    """The expressions interpolated into an f-string, `.format()`, `%` or `+` string."""
    if isinstance(expr, ast.JoinedStr):
        return [v.value for v in expr.values if isinstance(v, ast.FormattedValue)]
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        return [*expr.args, *(k.value for k in expr.keywords)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add | ast.Mod):
        return [expr.left, expr.right]
    return []


class PromptInjection(Rule):
    """## What it does
    Flags untrusted input — request handler arguments, request bodies, file or web
    content — interpolated into a *system* prompt or `instructions`.

    ## Why is this bad?
    The system prompt is where the model takes its orders. Text from a user or a fetched
    page placed there can rewrite those orders ("ignore the above…"), leak the prompt, or
    trigger tools with your privileges. In the user turn it is data; in the system turn
    it is a command.

    ## Example
    ```python
    @app.post("/ask")
    def ask(q: Question):
        messages = [{"role": "system", "content": f"You are a helpful bot. {q.persona}"}]
    ```

    ## Use instead
    ```python
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": q.text},  # untrusted text stays in the user turn
    ]
    ```
    """

    id = "LLM202"
    name = "prompt-injection"
    title = "Untrusted input interpolated into a system prompt"
    category = "security"
    severity = "high"
    fix = "Keep system prompts static; pass user, file and web text in the user turn, delimited, never as instructions."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        if not mod.calls:
            return
        for func in (n for n in mod.scopes if isinstance(n, FuncNode)):
            tainted = untrusted_names(mod, func)
            if not tainted:
                continue
            for node in ast.walk(func):
                content = self._system_content(node)
                if content is None:
                    continue
                if any(names_in(part) & tainted for part in _interpolated(content)):
                    yield Hit(content, "untrusted input interpolated into the system prompt")

    def _system_content(self, node: ast.AST) -> ast.expr | None:
        if isinstance(node, ast.Dict):
            pairs = {k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)}
            role = pairs.get("role")
            if isinstance(role, ast.Constant) and role.value in ("system", "developer"):
                return pairs.get("content")
        if isinstance(node, ast.keyword) and node.arg in INSTRUCTION_KWARGS:
            return node.value
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "SystemMessage":
            return node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "content"), None)
        return None


RULE = PromptInjection
