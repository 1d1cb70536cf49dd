"""Small forward data-flow within one function: which names hold model output or untrusted input.

Deliberately simple (names only, in source order, one pass to a fixed point) — enough to
follow `resp = client...create(...)`, `text = resp.choices[0].message.content`, and
`data = json.loads(text)`, and cheap enough to run on every function of a large tree.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from .module import FuncNode, ModuleModel, dotted

UNTRUSTED_CALLS = ("read", "read_text", "readlines", "json", "body", "form", "get_json", "recv", "input")


def names_in(expr: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}


def _assignments(func: ast.AST) -> Iterable[tuple[list[ast.expr], ast.expr]]:
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            yield node.targets, node.value
        elif (isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None) or isinstance(
            node, ast.NamedExpr
        ):
            yield [node.target], node.value
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            yield [node.target], node.iter
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    yield [item.optional_vars], item.context_expr


def _target_names(targets: list[ast.expr]) -> set[str]:
    out: set[str] = set()
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                out.add(node.id)
    return out


def propagate(scope: ast.AST, seeds: set[str], sources: set[ast.AST]) -> set[str]:
    """Names in `scope` derived from `seeds` or from any expression node in `sources`."""
    tainted = set(seeds)
    pairs = list(_assignments(scope))
    changed = True
    while changed:
        changed = False
        for targets, value in pairs:
            if any(n in sources for n in ast.walk(value)) or names_in(value) & tainted:
                new = _target_names(targets) - tainted
                if new:
                    tainted |= new
                    changed = True
    return tainted


def llm_output_names(mod: ModuleModel, scope: ast.AST) -> set[str]:
    """Names that hold a model response (or text derived from one) inside `scope`."""
    calls = {c.node for c in mod.calls if c.kind != "embed"}
    return propagate(scope, set(), calls)


def is_llm_output(mod: ModuleModel, expr: ast.AST, tainted: set[str]) -> bool:
    calls = {c.node for c in mod.calls if c.kind != "embed"}
    return bool(names_in(expr) & tainted) or any(n in calls for n in ast.walk(expr))


def untrusted_names(mod: ModuleModel, func: FuncNode) -> set[str]:
    """Route-handler parameters and names read from requests, files or the web."""
    seeds: set[str] = set()
    if mod.is_route_handler(func):
        args = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
        seeds = {a.arg for a in args if a.arg not in ("self", "cls", "db", "session")}
    sources: set[ast.AST] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            name = dotted(node.func) or ""
            attr = name.rpartition(".")[2]
            if attr in UNTRUSTED_CALLS or name.startswith(("requests.get", "httpx.get")):
                sources.add(node)
        elif isinstance(node, ast.Attribute) and dotted(node.value) == "request":
            sources.add(node)
    return propagate(func, seeds, sources)


def scopes(mod: ModuleModel) -> Iterable[ast.AST]:
    """Every function, plus the module itself for top-level code."""
    yield mod.tree
    yield from (n for n in ast.walk(mod.tree) if isinstance(n, FuncNode))


def scope_of(mod: ModuleModel, node: ast.AST) -> ast.AST:
    return mod.enclosing_function(node) or mod.tree
