"""LLM302 unbounded-history."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..module import ModuleModel, dotted
from ..rule import Hit, Rule

TRIM = re.compile(r"(trim|truncate|prune|summari[sz]e|window|budget|fit_|compact|popleft|pop)", re.IGNORECASE)


class UnboundedHistory(Rule):
    """## What it does
    Flags conversation history kept across calls (a module global or `self.` attribute)
    that is appended to and passed to an LLM call, with no trimming anywhere in the
    module (slicing, `del`, `pop`, a `deque(maxlen=…)`, a trim/summarise step).

    ## Why is this bad?
    Every turn re-sends the whole conversation: cost and latency grow with its square,
    and one day the context window overflows and the chat fails for that user.

    ## Example
    ```python
    self.history.append({"role": "user", "content": text})
    resp = client.chat.completions.create(model=m, messages=self.history)
    ```

    ## Use instead
    ```python
    self.history.append({"role": "user", "content": text})
    self.history = self.history[-20:]  # or a token budget / summary
    resp = client.chat.completions.create(model=m, messages=self.history)
    ```
    """

    id = "LLM302"
    name = "unbounded-history"
    title = "Conversation history grows without trimming"
    category = "cost"
    severity = "medium"
    fix = "Keep a window (history[-N:]), a token budget or a running summary; deque(maxlen=N) for simple cases."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        if not mod.calls:
            return
        sent = set()
        for call in mod.calls:
            for kw in call.node.keywords:
                name = _held(kw.value) if kw.arg in ("messages", "contents", "input", "history") else None
                if name:
                    sent.add(name)
            sent |= {name for name in map(_held, call.node.args) if name}
        persistent = {n for n in sent if n.startswith("self.") or n in mod.constants}
        if not persistent or self._trimmed(mod, persistent):
            return
        for node in mod.all_calls:
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in ("append", "extend")
                and dotted(node.func.value) in persistent
            ):
                yield Hit(node, f"{dotted(node.func.value)} grows on every turn and is never trimmed")

    def _trimmed(self, mod: ModuleModel, names: set[str]) -> bool:
        for node in mod.all_calls:
            if TRIM.search(dotted(node.func) or "") or any(k.arg == "maxlen" for k in node.keywords):
                return True
        if mod.deletes:
            return True
        for scope in mod.scopes.values():
            for _targets, value in scope.assigns:
                if (
                    isinstance(value, ast.Subscript)
                    and isinstance(value.slice, ast.Slice)
                    and dotted(value.value) in names
                ):
                    return True
        return False


def _held(node: ast.expr) -> str | None:
    """The name of the history sent: `history`, `self.history`, or a copy of it (`list(self.history)`)."""
    if isinstance(node, ast.Call) and dotted(node.func) == "list" and len(node.args) == 1 and not node.keywords:
        return dotted(node.args[0])
    return dotted(node)


RULE = UnboundedHistory
