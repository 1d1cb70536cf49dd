"""What surrounds a call site (retries, error handling, logging) and what a module exports.

`site_facts` answers, for one call, the questions per-call rules ask; `summarize` builds
the module's contribution to the project index. Both read the model built in one walk;
neither walks the tree again.
"""

from __future__ import annotations

import ast
import re

from .dataflow import output_functions
from .index import CallerFacts, ClientRef, Export, ModuleSummary
from .libraries import RETRY_DECORATORS, RETRY_MODULES
from .module import Client, FuncNode, LLMCall, ModuleModel, dotted, last_name

RETRY_WORDS = re.compile(r"retr|attempt|tries|backoff", re.IGNORECASE)
RETRYING = ("Retrying", "AsyncRetrying", "retry", "stamina.retry_context", "retry_context")


def retried(mod: ModuleModel, node: ast.AST) -> bool:
    """A retry decorator on an enclosing function, or an explicit retry loop around the call."""
    child = node
    for parent in mod.ancestors(node):
        if isinstance(parent, FuncNode):
            if _retry_decorated(mod, parent) or _retries_itself(mod, parent):
                return True
            break
        if (
            isinstance(parent, ast.For | ast.AsyncFor | ast.While)
            and child in parent.body
            and _retry_loop(mod, parent, node)
        ):
            return True
        if isinstance(parent, ast.Call) and parent is not node and RETRY_WORDS.search(last_name(parent.func)):
            return True  # handed to a retry helper: self._with_retry(client.chat.completions.create, ...)
        child = parent
    return False


def _retries_itself(mod: ModuleModel, func: FuncNode) -> bool:
    """`return self.reply_text(session, retry_count + 1)`: the function calls itself again on failure."""
    key = ("retries_itself", func)
    found = mod.memo.get(key)
    if found is None:
        found = False
        for call in mod.scopes[func].calls:
            if last_name(call.func) != func.name:
                continue
            arguments = [*call.args, *(k.value for k in call.keywords)]
            names = [k.arg or "" for k in call.keywords]
            if any(isinstance(a, ast.BinOp) and isinstance(a.op, ast.Add) for a in arguments) or any(
                RETRY_WORDS.search(n) for n in names
            ):
                found = True
                break
        mod.memo[key] = found
    return bool(found)


def _retry_decorated(mod: ModuleModel, func: FuncNode) -> bool:
    for name in mod.decorator_names(func):
        head, _, rest = name.partition(".")
        full = mod.imports.get(head, head) + ("." + rest if rest else "")
        last = name.rpartition(".")[2]
        if last in RETRY_DECORATORS or full.startswith(RETRY_MODULES) or "retry" in last.lower():
            return True
    return False


def _retry_loop(mod: ModuleModel, loop: ast.For | ast.AsyncFor | ast.While, node: ast.AST) -> bool:
    if isinstance(loop, ast.For | ast.AsyncFor):
        iter_name = dotted(loop.iter.func) if isinstance(loop.iter, ast.Call) else dotted(loop.iter)
        if iter_name and (iter_name.rpartition(".")[2] in RETRYING or RETRY_WORDS.search(iter_name)):
            return True
        target = dotted(loop.target) or ""
        if RETRY_WORDS.search(target):
            return True
    elif RETRY_WORDS.search(ast.unparse(loop.test)) if _small(loop.test) else False:
        return True
    # `while True: try: call(); break  except X: sleep(...)` — a try whose handler keeps looping
    for parent in mod.ancestors(node):
        if parent is loop:
            break
        if isinstance(parent, ast.Try) and any(not _ends_in_raise(h.body) for h in parent.handlers):
            return isinstance(loop, ast.While) or _loop_breaks_or_returns(mod, loop)
    return False


def _small(node: ast.AST) -> bool:
    return (getattr(node, "end_col_offset", 0) or 0) - (getattr(node, "col_offset", 0) or 0) < 120


def _ends_in_raise(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], ast.Raise)


def _loop_breaks_or_returns(mod: ModuleModel, loop: ast.AST) -> bool:
    """A `for` loop that stops at the first success (break/return) is a retry loop, not a batch."""
    key = ("breaks", loop)
    found = mod.memo.get(key)
    if found is None:
        found = any(isinstance(n, ast.Break | ast.Return) for n in ast.walk(loop))
        mod.memo[key] = found
    return bool(found)


def in_except(mod: ModuleModel, node: ast.AST) -> bool:
    for parent in mod.ancestors(node):
        if isinstance(parent, ast.ExceptHandler):
            return True
        if isinstance(parent, FuncNode):
            return False
    return False


def site_facts(mod: ModuleModel, call: LLMCall) -> dict[str, object]:
    node = call.node
    func = mod.enclosing_function(node)
    scope = mod.scopes[func] if func is not None else mod.scopes[mod.tree]
    is_retried = retried(mod, node) or bool(call.client and "retry" in call.client.traits)
    if not is_retried and func is not None:
        callers = mod.callers(func)
        is_retried = bool(callers) and all(retried(mod, c) for c in callers)
    line = node.lineno
    return {
        "function": func.name if func is not None else "",
        "retried": is_retried,
        "logs": scope.logs,
        "handled": mod.in_handled_try(node),
        "in_route": mod.is_route_handler(func),
        "in_except": in_except(mod, node),
        "suppressed": _suppressed_rules(mod, line),
    }


def _suppressed_rules(mod: ModuleModel, line: int) -> frozenset[str]:
    from .module import SUPPRESS

    if not 0 < line <= len(mod.lines):
        return frozenset()
    match = SUPPRESS.search(mod.lines[line - 1])
    if not match:
        return frozenset()
    ids = match.group(1)
    return frozenset({"*"}) if ids is None else frozenset(i.strip().upper() for i in ids.split(","))


def client_ref(client: Client) -> ClientRef:
    return ClientRef(client.kind, client.origin, client.timeout, client.retries_off, client.siblings)


def summarize(mod: ModuleModel, project_modules: bool = True) -> ModuleSummary:
    """The module's exports and how it calls functions, for the project index."""
    summary = ModuleSummary(mod.path)
    exports = summary.exports
    tree = mod.tree
    for (owner, name), binding in mod.bindings.items():
        if binding.client is None and not binding.function:
            continue
        ref = client_ref(binding.client) if binding.client is not None else None
        if owner is tree:
            if name.endswith("()") and "." not in name[:-2].replace("self.", "", 1):
                exports[name[:-2]] = Export(client=ref, factory=True)
            elif "." not in name:
                exports[name] = Export(client=ref, method=binding.method, function=binding.function)
            elif name.count(".") == 1 and name.endswith("()") and name.split(".")[0] in mod.classes:
                exports[name[:-2]] = Export(client=ref, factory=True)
        elif isinstance(owner, ast.ClassDef) and name.startswith("self.") and ref is not None and "()" not in name:
            export = exports.setdefault(owner.name, Export(bases=tuple(mod.qualname(b) or "" for b in owner.bases)))
            export.attrs[name.removeprefix("self.")] = ref
    for name, value in mod.constants.items():
        if isinstance(value, ast.Constant | ast.JoinedStr | ast.BinOp) and name not in exports:
            text = mod.const_str(value)
            if text:
                exports[name] = Export(text=text)
        elif isinstance(value, ast.Call) and dotted(value.func) in mod.classes:
            for attr, const in _class_texts(mod, mod.classes[dotted(value.func)]).items():  # type: ignore[index]
                exports[f"{name}.{attr}"] = Export(text=const)
    for func_name in output_functions(mod):
        exports.setdefault(func_name, Export()).output = True
    for call in mod.all_calls:
        name = last_name(call.func)
        if not name:
            continue
        scope = mod.scope_of_node[call]
        summary.callers.setdefault(name, []).append(
            CallerFacts(
                mod.path,
                call.lineno,
                frozenset(k.arg for k in call.keywords if k.arg),
                any(k.arg is None for k in call.keywords),
                scope.logs,
                scope.name if scope.parent is not None else "",
            )
        )
    summary.uses = {q for q in mod.imports.values() if "." in q}
    return summary


def _class_texts(mod: ModuleModel, cls: ast.ClassDef) -> dict[str, str]:
    found: dict[str, str] = {}
    for stmt in cls.body:
        target = (
            stmt.targets[0]
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            else getattr(stmt, "target", None)
        )
        value = getattr(stmt, "value", None)
        if isinstance(target, ast.Name) and value is not None:
            text = mod.const_str(value)
            if text:
                found[target.id] = text
    return found
