"""A model of one Python module's LLM usage, built from its AST without importing it.

It resolves import aliases, finds client constructors, follows clients through
assignments (`client = OpenAI()`, `self.client = ...`, `def get_client(): return ...`),
and lists every call that reaches a model (SDK methods, module functions, raw HTTP posts
to known provider endpoints). Rules read this model instead of re-walking the tree.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .libraries import (
    ClientKind,
)

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef
SUPPRESS = re.compile(r"#\s*llmwright:\s*ignore(?:\[([A-Z0-9,\s]+)\])?", re.IGNORECASE)


@dataclass
class Client:
    kind: ClientKind
    node: ast.Call
    name: str  # the variable or attribute it was bound to ("client", "self.llm", "get_client()")

    def has_kwarg(self, *names: str) -> bool:
        return has_kwarg(self.node, *names)


@dataclass
class LLMCall:
    node: ast.Call
    library: str
    provider: str | None
    kind: str  # chat, stream, embed, http
    is_async: bool
    method: str
    client: Client | None = None

    def kwarg(self, name: str) -> ast.expr | None:
        return next((k.value for k in self.node.keywords if k.arg == name), None)


def has_kwarg(call: ast.Call, *names: str) -> bool:
    """True if any keyword is given, or `**kwargs` could carry it (benefit of the doubt)."""
    return any(k.arg is None or k.arg in names for k in call.keywords)


def dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = dotted(node.func)
        return f"{base}()" if base else None
    return None


@dataclass
class ModuleModel:
    path: str
    source: str
    tree: ast.Module
    lines: list[str] = field(default_factory=list)
    imports: dict[str, str] = field(default_factory=dict)
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    all_clients: list[Client] = field(default_factory=list)
    http_sessions: dict[str, tuple[str, bool]] = field(default_factory=dict)
    constants: dict[str, ast.expr] = field(default_factory=dict)
    calls: list[LLMCall] = field(default_factory=list)
    functions: dict[str, FuncNode] = field(default_factory=dict)
    _calls_by_name: dict[str, list[ast.Call]] | None = field(default=None, repr=False)

    # --- name resolution -------------------------------------------------------------
    def qualname(self, node: ast.AST) -> str | None:
        """`OpenAI` → `openai.OpenAI` through the module's imports."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        base = self.imports.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def imported(self, *prefixes: str) -> bool:
        return any(q == p or q.startswith(p + ".") for q in self.imports.values() for p in prefixes)

    def const_str(self, node: ast.AST | None) -> str | None:
        """A string literal, a module constant holding one, or simple `"a" + "b"` / `"a" * 3`."""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name) and node.id in self.constants:
            return self.const_str(self.constants[node.id])
        if isinstance(node, ast.BinOp):
            left, right = self.const_str(node.left), self.const_str(node.right)
            if isinstance(node.op, ast.Add) and left is not None and right is not None:
                return left + right
            if isinstance(node.op, ast.Mult) and left is not None and isinstance(node.right, ast.Constant):
                count = node.right.value
                return left * min(count, 1000) if isinstance(count, int) else None
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        return None

    # --- structure -------------------------------------------------------------------
    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        while node in self.parents:
            node = self.parents[node]
            yield node

    def enclosing_function(self, node: ast.AST) -> FuncNode | None:
        return next((a for a in self.ancestors(node) if isinstance(a, FuncNode)), None)

    def in_handled_try(self, node: ast.AST, stop: ast.AST | None = None) -> bool:
        """Inside the body of a `try` that has an `except` (up to `stop`)."""
        child = node
        for parent in self.ancestors(node):
            if parent is stop:
                return False
            if isinstance(parent, ast.Try | ast.TryStar) and parent.handlers and child in parent.body:
                return True
            if isinstance(parent, FuncNode | ast.Lambda):
                return False
            child = parent
        return False

    def in_loop(self, node: ast.AST) -> bool:
        for parent in self.ancestors(node):
            if isinstance(parent, FuncNode | ast.Lambda | ast.ClassDef):
                return False
            if isinstance(parent, ast.For | ast.AsyncFor | ast.While | ast.comprehension):
                return True
            if isinstance(parent, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
                return True
        return False

    def decorator_names(self, func: FuncNode) -> list[str]:
        names = []
        for deco in func.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            names.append(dotted(target) or "")
        return names

    def is_route_handler(self, func: FuncNode | None) -> bool:
        from .libraries import ROUTE_DECORATORS

        if func is None:
            return False
        return any(name.rpartition(".")[2] in ROUTE_DECORATORS and "." in name for name in self.decorator_names(func))

    def callers(self, func: FuncNode) -> list[ast.Call]:
        """Calls to `func` by name (or `self.func`) within the module."""
        if self._calls_by_name is None:
            self._calls_by_name = {}
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Call):
                    name = (dotted(node.func) or "").rpartition(".")[2]
                    self._calls_by_name.setdefault(name, []).append(node)
        return self._calls_by_name.get(func.name, [])

    def snippet(self, line: int, end_line: int | None = None) -> str:
        end = min(end_line or line, line + 2)
        return "\n".join(self.lines[line - 1 : end]).rstrip()

    def suppressed(self, line: int, rule: str) -> bool:
        if not 0 < line <= len(self.lines):
            return False
        match = SUPPRESS.search(self.lines[line - 1])
        if not match:
            return False
        ids = match.group(1)
        return ids is None or rule.upper() in {i.strip().upper() for i in ids.split(",")}
