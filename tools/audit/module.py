"""A model of one Python module's LLM usage, built from its AST without importing it.

`build.py` fills it in one walk of the tree: imports, scopes, bindings (what each name,
attribute and factory holds) and every call site that reaches a model. Rules read this
model instead of re-walking the tree, so the work per file stays linear in its size.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .libraries import ROUTE_DECORATORS, ClientKind

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef
SUPPRESS = re.compile(r"#\s*llmwright:\s*ignore(?:\[([A-Z0-9,\s]+)\])?", re.IGNORECASE)


@dataclass
class Client:
    """An LLM client or model object: where it was built and with which options."""

    kind: ClientKind
    node: ast.Call | None  # the constructor call, when it is in this module
    name: str = ""  # the variable or attribute it was first bound to
    origin: str = ""  # "path:line" of the constructor anywhere in the project ("" when unknown)
    resolution: str = "direct"  # direct, factory, imported, annotation, shape
    timeout: bool | None = False  # an explicit timeout at construction (None: may arrive through **kwargs)
    retries_off: bool = False  # max_retries=0
    traits: frozenset[str] = frozenset()  # retry / fallback / timeout added by with_retry, with_fallbacks, ...
    uses: int = 0
    siblings: tuple[str, ...] = ()  # other constructors the same factory may return (`AzureOpenAI` or `OpenAI`)


@dataclass
class Binding:
    """What a name, attribute or factory call evaluates to, as far as the audit can tell."""

    client: Client | None = None
    method: str = ""  # an alias of a client method: "chat.completions.create"
    function: str = ""  # an alias of a module function: "litellm.completion"
    session: tuple[str, bool] | None = None  # an HTTP session: (library, async)
    holder: str = ""  # a module-level function holder: "dashscope.Generation"
    derived: str = ""  # "session" (chat session), "runnable" (LangChain composition)
    resolution: str = "direct"


@dataclass
class Options:
    """How an option reaches a call: set, not set, or not knowable here."""

    timeout: bool | None = False
    max_tokens: bool | None = False
    wrapper_timeout: bool = False  # asyncio.wait_for / asyncio.timeout / anyio.fail_after around it
    forwarded: str = ""  # the enclosing function's **kwargs name, when options arrive through it


@dataclass
class LLMCall:
    """One call site that reaches a model."""

    node: ast.Call
    library: str
    provider: str | None
    kind: str  # chat, stream, embed, image, audio, moderation, http
    is_async: bool
    method: str
    resolution: str = "direct"  # direct, factory, imported, alias, attribute, config URL, method shape, ...
    client: Client | None = None
    options: Options = field(default_factory=Options)
    target: ast.expr | None = None  # the function reference, when called through to_thread / a wrapper

    def kwarg(self, name: str) -> ast.expr | None:
        return next((k.value for k in self.node.keywords if k.arg == name), None)


@dataclass
class Scope:
    """A function (or the module itself): what happens directly inside it."""

    node: ast.AST
    name: str
    parent: Scope | None
    cls: ast.ClassDef | None = None
    is_async: bool = False
    calls: list[ast.Call] = field(default_factory=list)
    assigns: list[tuple[list[ast.expr], ast.expr]] = field(default_factory=list)
    logs: bool = False
    params: frozenset[str] = frozenset()
    kwargs_param: str = ""


def dotted(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = dotted(node.func)
        return f"{base}()" if base else None
    return None


def last_name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


@dataclass
class ModuleModel:
    path: str
    source: str
    tree: ast.Module
    lines: list[str] = field(default_factory=list)
    imports: dict[str, str] = field(default_factory=dict)
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    constants: dict[str, ast.expr] = field(default_factory=dict)
    functions: dict[str, FuncNode] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    scopes: dict[ast.AST, Scope] = field(default_factory=dict)
    scope_of_node: dict[ast.AST, Scope] = field(default_factory=dict)  # every Call → its scope
    bindings: dict[tuple[object, str], Binding] = field(default_factory=dict)
    all_clients: list[Client] = field(default_factory=list)
    calls: list[LLMCall] = field(default_factory=list)
    all_calls: list[ast.Call] = field(default_factory=list)
    calls_by_name: dict[str, list[ast.Call]] = field(default_factory=dict)
    attributes: set[str] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)  # short string constants (markers such as "usage")
    long_strings: list[ast.Constant] = field(default_factory=list)  # string constants of 20+ characters
    returns: dict[ast.AST, list[ast.Return]] = field(default_factory=dict)
    handlers: list[ast.ExceptHandler] = field(default_factory=list)
    deletes: list[ast.Delete] = field(default_factory=list)
    class_constants: dict[str, ast.expr] = field(default_factory=dict)  # `API_URL = "..."` in class bodies
    session_ctors: dict[str, list[ast.Call]] = field(default_factory=dict)  # name → HTTP session constructors
    text_resolver: Callable[[str], str | None] | None = field(default=None, repr=False)  # imported constants
    memo: dict[object, object] = field(default_factory=dict, repr=False)  # per-module caches of derived facts

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

    def const_str(self, node: ast.AST | None, scope: Scope | None = None, depth: int = 0) -> str | None:
        """A string literal, a constant holding one, or simple `+`, `%`, `.format` and f-strings of them.

        Parts that cannot be known (a variable in an f-string) become "" so a URL's host or
        path is still visible around them.
        """
        if node is None or depth > 8:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            values = self.local_values(node.id, scope) if scope is not None else []
            for value in values:
                text = self.const_str(value, scope, depth + 1)
                if text:
                    return text
            if values:
                return None
            default = self.param_default(node.id, scope)
            if default is not None:
                return self.const_str(default, None, depth + 1)
            if scope is not None and node.id in scope.params:
                return self._passed_text(node.id, scope, depth)
            value = self.constants.get(node.id)
            if value is None:
                return self._imported_text(node)
            return self.const_str(value, scope, depth + 1)
        if isinstance(node, ast.Attribute):
            base = node.value
            instance = self.constants.get(base.id) if isinstance(base, ast.Name) else None
            if (
                isinstance(instance, ast.Call)
                and isinstance(instance.func, ast.Name)
                and instance.func.id in self.classes
            ):
                base = instance.func  # `settings = Settings()`; `settings.API_URL` is the class attribute
            if isinstance(base, ast.Name) and (base.id in ("self", "cls") or base.id in self.classes):
                value = self.class_constants.get(node.attr)
                if value is not None:
                    return self.const_str(value, None, depth + 1)
            return self._imported_text(node)
        if isinstance(node, ast.Call):
            func = node.func
            attr = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if attr in ("getenv", "get") and len(node.args) >= 2:
                return self.const_str(node.args[1], scope, depth + 1)
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            if attr in ("getenv", "get") and default is not None:
                return self.const_str(default, scope, depth + 1)
        if isinstance(node, ast.BinOp):
            left = self.const_str(node.left, scope, depth + 1)
            if isinstance(node.op, ast.Add):
                right = self.const_str(node.right, scope, depth + 1)
                if left is None and right is None:
                    return None
                return (left or "") + (right or "")
            if isinstance(node.op, ast.Mult) and left is not None and isinstance(node.right, ast.Constant):
                count = node.right.value
                return left * min(count, 1000) if isinstance(count, int) else None
            if isinstance(node.op, ast.Mod) and left is not None:
                return left
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(value.value)
                elif isinstance(value, ast.FormattedValue):
                    parts.append(self.const_str(value.value, scope, depth + 1) or "")
            return "".join(parts)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return self.const_str(node.func.value, scope, depth + 1)
        if isinstance(node, ast.IfExp):
            return self.const_str(node.body, scope, depth + 1) or self.const_str(node.orelse, scope, depth + 1)
        return None

    def _imported_text(self, node: ast.AST) -> str | None:
        if self.text_resolver is None:
            return None
        qual = self.qualname(node)
        return self.text_resolver(qual) if qual else None

    def local_values(self, name: str, scope: Scope | None) -> list[ast.expr]:
        """Every value a name is assigned in `scope` (a function; [] for the module)."""
        if scope is None or scope.parent is None:
            return []
        return [v for targets, v in scope.assigns if any(isinstance(t, ast.Name) and t.id == name for t in targets)]

    def param_default(self, name: str, scope: Scope | None) -> ast.expr | None:
        node = scope.node if scope is not None else None
        if not isinstance(node, FuncNode) or name not in scope.params:  # type: ignore[union-attr]
            return None
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
        return next((d for a, d in pairs if a.arg == name), None)

    def _passed_text(self, name: str, scope: Scope, depth: int) -> str | None:
        """A string parameter: what the module's callers pass for it (one level, cached)."""
        key = ("passed", id(scope), name)
        if key in self.memo:
            return self.memo[key]  # type: ignore[return-value]
        self.memo[key] = None
        found = None
        for caller, argument in self.arguments_for(scope, name):
            found = self.const_str(argument, self.scope(caller), depth + 2)
            if found:
                break
        self.memo[key] = found
        return found

    def arguments_for(self, scope: Scope, name: str) -> list[tuple[ast.Call, ast.expr]]:
        """What each in-module caller of a function passes for one of its parameters."""
        func = scope.node
        if not isinstance(func, FuncNode):
            return []
        params = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
        found = []
        for caller in self.callers(func):
            offset = 1 if params and params[0] in ("self", "cls") and isinstance(caller.func, ast.Attribute) else 0
            for keyword in caller.keywords:
                if keyword.arg == name:
                    found.append((caller, keyword.value))
                    break
            else:
                if name in params:
                    position = params.index(name) - offset
                    if 0 <= position < len(caller.args) and not isinstance(caller.args[position], ast.Starred):
                        found.append((caller, caller.args[position]))
        return found

    def local_value(self, name: str, scope: Scope | None) -> ast.expr | None:
        """The value of a name assigned exactly once in `scope` (None when unknown or reassigned)."""
        if scope is None or scope.parent is None:
            return None
        found = None
        for targets, value in scope.assigns:
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                if found is not None:
                    return None
                found = value
        return found

    # --- structure -------------------------------------------------------------------
    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        while node in self.parents:
            node = self.parents[node]
            yield node

    def enclosing_function(self, node: ast.AST) -> FuncNode | None:
        return next((a for a in self.ancestors(node) if isinstance(a, FuncNode)), None)

    def scope(self, node: ast.AST) -> Scope:
        """The scope a node runs in (its function, or the module)."""
        found = self.scope_of_node.get(node)
        if found is not None:
            return found
        func = self.enclosing_function(node)
        return self.scopes[func] if func is not None else self.scopes[self.tree]

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
        if func is None:
            return False
        return any(name.rpartition(".")[2] in ROUTE_DECORATORS and "." in name for name in self.decorator_names(func))

    def callers(self, func: FuncNode) -> list[ast.Call]:
        """Calls to `func` by name (or `self.func`) within the module."""
        return self.calls_by_name.get(func.name, [])

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
