"""Small forward data-flow within one scope: which names hold model output or untrusted input.

Deliberately simple (names only, no aliasing through containers) — enough to follow
`resp = client...create(...)`, `text = resp.choices[0].message.content`, and
`data = json.loads(text)`. A worklist over each scope's own assignments keeps it linear:
every assignment is examined once, then again only when a name it reads becomes tainted.
Functions whose return value is model output are sources too, within the module and, by
name, across the project (`ProjectIndex` exports them).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from .module import FuncNode, ModuleModel, Scope, dotted, last_name

UNTRUSTED_CALLS = ("read", "read_text", "readlines", "json", "body", "form", "get_json", "recv", "input")
GENERIC_NAMES = frozenset(
    {
        "run",
        "call",
        "get",
        "invoke",
        "ainvoke",
        "chat",
        "generate",
        "complete",
        "send",
        "create",
        "main",
        "process",
        "parse",
        "post",
        "request",
        "fetch",
        "execute",
        "handle",
        "encode",
        "stream",
        "update",
        "query",
        "search",
    }
)


def names_in(expr: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}


def _target_names(targets: list[ast.expr]) -> set[str]:
    """Names an assignment binds: `a`, `a, b`, `self.x`, and the container of `d[k]` (not `k`)."""
    out: set[str] = set()
    stack = list(targets)
    while stack:
        target = stack.pop()
        if isinstance(target, ast.Name):
            out.add(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            stack.extend(target.elts)
        elif isinstance(target, ast.Starred | ast.Subscript):
            stack.append(target.value)
        elif isinstance(target, ast.Attribute):
            name = dotted(target)
            if name and name.startswith("self."):
                out.add(name)
    return out


def _reads(expr: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(expr):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            name = dotted(node)
            if name and name.startswith("self."):
                found.add(name)
    return found


def propagate(scope: Scope, seeds: set[str], sources: set[ast.AST]) -> set[str]:
    """Names in `scope` derived from `seeds` or from any expression node in `sources`."""
    tainted = set(seeds)
    readers: dict[str, list[int]] = {}
    targets_of: list[set[str]] = []
    work: list[int] = []
    for i, (targets, value) in enumerate(scope.assigns):
        targets_of.append(_target_names(targets))
        reads = set()
        direct = False
        for node in ast.walk(value):
            if node in sources:
                direct = True
            if isinstance(node, ast.Name):
                reads.add(node.id)
            elif isinstance(node, ast.Attribute):
                name = dotted(node)
                if name and name.startswith("self."):
                    reads.add(name)
        for name in reads:
            readers.setdefault(name, []).append(i)
        if direct or reads & tainted:
            work.append(i)
    while work:
        i = work.pop()
        new = targets_of[i] - tainted
        if not new:
            continue
        tainted |= new
        for name in new:
            work.extend(readers.get(name, ()))
    return tainted


def _output_sources(mod: ModuleModel, scope: Scope, names: set[str]) -> set[ast.AST]:
    sites = mod.memo.get("output_sites")
    if sites is None:
        sites = {c.node for c in mod.calls if c.kind not in ("embed", "image", "audio", "moderation")}
        mod.memo["output_sites"] = sites
    found: set[ast.AST] = set()
    for call in scope.calls:
        if call in sites or (names and last_name(call.func) in names):  # type: ignore[operator]
            found.add(call)
    return found


def output_functions(mod: ModuleModel) -> set[str]:
    """Functions of this module whose return value is model output (or text derived from it)."""
    cache = mod.memo.get("output_functions")
    if cache is not None:
        return cache  # type: ignore[return-value]
    external = mod.memo.get("external_outputs", set())
    found: set[str] = set()
    for _ in range(3):
        before = len(found)
        for func, returns in mod.returns.items():
            if not isinstance(func, FuncNode) or func.name in found:
                continue
            scope = mod.scopes[func]
            known = found | external  # type: ignore[operator]
            sources = _output_sources(mod, scope, known)
            if not sources:
                continue
            tainted = propagate(scope, set(), sources)
            for ret in returns:
                if ret.value is not None and _derived(ret.value, tainted, sources):
                    found.add(func.name)
                    break
        if len(found) == before:
            break
    mod.memo["output_functions"] = found
    return found


def _direct_output_names(mod: ModuleModel, scope: Scope) -> set[str]:
    """Names holding model output in `scope`, from calls made in `scope` itself."""
    key = ("llm_output_direct", id(scope))
    cached = mod.memo.get(key)
    if cached is None:
        names = output_functions(mod) | mod.memo.get("external_outputs", set())  # type: ignore[operator]
        sources = _output_sources(mod, scope, names)
        cached = propagate(scope, set(), sources) if sources else set()
        mod.memo[key] = cached
    return cached  # type: ignore[return-value]


def output_parameters(mod: ModuleModel, scope: Scope) -> set[str]:
    """Parameters that a caller in this module passes model output to (up to three calls away)."""
    if scope.parent is None or not scope.params:
        return set()
    key = ("output_params", id(scope))
    cached = mod.memo.get(key)
    if cached is None:
        mod.memo[key] = set()  # a recursive path sees "none" while this one is worked out
        depth = mod.memo.get("output_params_depth", 0)
        cached = set()
        if mod.callers(scope.node) and depth < 3:  # type: ignore[arg-type]
            mod.memo["output_params_depth"] = depth + 1  # type: ignore[operator]
            for name in scope.params - {"self", "cls"}:
                for caller, argument in mod.arguments_for(scope, name):
                    outer = mod.scope(caller)
                    tainted = llm_output_names(mod, outer)
                    if is_llm_output(mod, outer, argument, tainted):
                        cached.add(name)
                        break
            mod.memo["output_params_depth"] = depth
        mod.memo[key] = cached
    return cached  # type: ignore[return-value]


def llm_output_names(mod: ModuleModel, scope: Scope) -> set[str]:
    """Names that hold a model response (or text derived from one) inside `scope`, including
    parameters the module's callers pass model output to."""
    key = ("llm_output", id(scope))
    cached = mod.memo.get(key)
    if cached is None:
        seeds = output_parameters(mod, scope)
        cached = _direct_output_names(mod, scope)
        if seeds:
            names = output_functions(mod) | mod.memo.get("external_outputs", set())  # type: ignore[operator]
            cached = propagate(scope, seeds, _output_sources(mod, scope, names))
        mod.memo[key] = cached
    return cached  # type: ignore[return-value]


def output_sources(mod: ModuleModel, scope: Scope) -> set[ast.AST]:
    key = ("sources", id(scope))
    cached = mod.memo.get(key)
    if cached is None:
        names = output_functions(mod) | mod.memo.get("external_outputs", set())  # type: ignore[operator]
        cached = _output_sources(mod, scope, names)
        mod.memo[key] = cached
    return cached  # type: ignore[return-value]


def is_llm_output(mod: ModuleModel, scope: Scope, expr: ast.AST, tainted: set[str]) -> bool:
    return _derived(expr, tainted, output_sources(mod, scope))


def _derived(expr: ast.AST, tainted: set[str], sources: set[ast.AST]) -> bool:
    """`expr` reads a tainted name or holds one of the source expressions."""
    return bool(_reads(expr) & tainted) or any(n in sources for n in ast.walk(expr))


def untrusted_names(mod: ModuleModel, func: FuncNode) -> set[str]:
    """Route-handler parameters and names read from requests, files or the web."""
    seeds: set[str] = set()
    if mod.is_route_handler(func):
        args = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
        seeds = {a.arg for a in args if a.arg not in ("self", "cls", "db", "session")}
    scope = mod.scopes[func]
    sources: set[ast.AST] = set()
    for call in scope.calls:
        name = dotted(call.func) or ""
        attr = name.rpartition(".")[2]
        if attr in UNTRUSTED_CALLS or name.startswith(("requests.get", "httpx.get")):
            sources.add(call)
    for _targets, value in scope.assigns:
        for node in ast.walk(value):
            if isinstance(node, ast.Attribute) and dotted(node.value) == "request":
                sources.add(node)
    return propagate(scope, seeds, sources)


def scopes(mod: ModuleModel) -> Iterable[Scope]:
    """Every function, plus the module itself for top-level code."""
    return mod.scopes.values()


def external_output_names(names: Iterable[str]) -> set[str]:
    """Project functions known (by name) to return model output, minus names too common to trust."""
    return {n for n in names if n not in GENERIC_NAMES and len(n) > 5}
