"""Which options really reach a call or a constructor: keywords, `**` dicts, nested configs.

`timeout=30` counts wherever it is written: directly, in a dict literal or a module
constant expanded with `**`, in a local dict filled key by key, inside `http_options`,
`request_options`, `extra_body`, a config object or the `http_client` handed to the SDK.
When options arrive through the enclosing function's `**kwargs`, the answer is "not known
here" (`None`) and the name of that parameter, so the project rules can ask its callers.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .libraries import TIMEOUT_WRAPPERS, ClientKind
from .module import FuncNode, ModuleModel, Options, Scope, dotted

TIMEOUT_KEYS = frozenset(
    {"timeout", "request_timeout", "timeout_ms", "read_timeout", "default_request_timeout", "timeout_s", "deadline"}
)
MAX_TOKEN_KEYS = frozenset(
    {
        "max_tokens",
        "max_completion_tokens",
        "max_output_tokens",
        "maxOutputTokens",
        "maxTokens",
        "num_predict",
        "max_new_tokens",
        "max_tokens_to_sample",
        "max_length",
    }
)
# Keyword arguments whose value is a container of further options.
CONTAINERS = frozenset(
    {
        "http_options",
        "request_options",
        "extra_body",
        "config",
        "generation_config",
        "generationConfig",
        "options",
        "model_kwargs",
        "inferenceConfig",
        "inference_config",
        "client_args",
        "async_client_args",
        "http_client",
        "parameters",
        "llm_config",
        "client_kwargs",
    }
)


@dataclass
class Keys:
    """Option names that reach a call, and whether some could not be seen."""

    names: set[str]
    unknown: bool = False
    forwarded: str = ""

    def status(self, wanted: frozenset[str]) -> bool | None:
        if self.names & wanted:
            return True
        return None if self.unknown or self.forwarded else False


def keys_of(mod: ModuleModel, call: ast.Call, scope: Scope | None, depth: int = 0) -> Keys:
    """Every option name a call receives, looking through `**` and option containers."""
    keys = Keys(set())
    for kw in call.keywords:
        if kw.arg is not None:
            if isinstance(kw.value, ast.Constant) and kw.value.value is None:
                continue  # timeout=None is no timeout
            keys.names.add(kw.arg)
            if kw.arg in CONTAINERS and depth < 6:
                _merge(keys, _expr_keys(mod, kw.value, scope, depth + 1))
        else:
            _merge(keys, _expr_keys(mod, kw.value, scope, depth + 1, star=True))
    return keys


def _merge(into: Keys, other: Keys) -> None:
    into.names |= other.names
    into.unknown |= other.unknown
    into.forwarded = into.forwarded or other.forwarded


def _expr_keys(mod: ModuleModel, expr: ast.expr, scope: Scope | None, depth: int, star: bool = False) -> Keys:
    if depth > 8:
        return Keys(set(), unknown=True)
    if isinstance(expr, ast.Dict):
        keys = Keys(set())
        for key, value in zip(expr.keys, expr.values, strict=True):
            if key is None:
                _merge(keys, _expr_keys(mod, value, scope, depth + 1, star=True))
                continue
            text = mod.const_str(key, scope)
            if text is None:
                keys.names |= _possible_strings(mod, key, scope) or set()
                keys.unknown |= not _possible_strings(mod, key, scope)
                continue
            keys.names.add(text)
            if text in CONTAINERS:
                _merge(keys, _expr_keys(mod, value, scope, depth + 1))
        return keys
    if isinstance(expr, ast.Call):
        name = dotted(expr.func) or ""
        last = name.rpartition(".")[2]
        if not (last[:1].isupper() or last in ("dict", "deepcopy", "copy")):
            return Keys(set(), unknown=True)  # what a function returns is not what it is called with
        keys = keys_of(mod, expr, scope, depth)
        if name in ("dict", "copy.deepcopy", "copy.copy") or name.endswith(".copy"):
            for arg in expr.args:
                _merge(keys, _expr_keys(mod, arg, scope, depth + 1))
            if name.endswith(".copy") and isinstance(expr.func, ast.Attribute):
                _merge(keys, _expr_keys(mod, expr.func.value, scope, depth + 1))
        return keys
    if isinstance(expr, ast.Name):
        if scope is not None and star and expr.id == scope.kwargs_param:
            return Keys(set(), forwarded=expr.id)
        local = _local_dict_keys(mod, expr.id, scope, depth)
        if local is not None:
            return local
        constant = mod.constants.get(expr.id)
        if constant is not None:
            return _expr_keys(mod, constant, None, depth + 1)
        if scope is not None and expr.id in scope.params:
            return _passed_keys(mod, expr.id, scope, depth)
        return Keys(set(), unknown=True)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "self":
        assigned = _attribute_dicts(mod).get(expr.attr)
        if assigned:
            keys = Keys(set())
            for value in assigned:
                _merge(keys, _expr_keys(mod, value, None, depth + 1))
            return keys
        return Keys(set(), unknown=True)
    if isinstance(expr, ast.Constant) and expr.value is None:
        return Keys(set())  # `http_options=None`: nothing, known
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        keys = _expr_keys(mod, expr.left, scope, depth + 1)
        _merge(keys, _expr_keys(mod, expr.right, scope, depth + 1))
        return keys
    if isinstance(expr, ast.IfExp):
        keys = _expr_keys(mod, expr.body, scope, depth + 1)
        other = _expr_keys(mod, expr.orelse, scope, depth + 1)
        keys.names |= other.names
        keys.unknown |= other.unknown
        return keys
    return Keys(set(), unknown=True)


def _passed_keys(mod: ModuleModel, name: str, scope: Scope, depth: int) -> Keys:
    """A dict parameter expanded with `**`: the keys of what the module's callers pass for it (one level)."""
    arguments = mod.arguments_for(scope, name)
    if not arguments or depth > 3:
        return Keys(set(), unknown=True)
    keys = Keys(set())
    for caller, argument in arguments:
        _merge(keys, _expr_keys(mod, argument, mod.scope(caller), depth + 1))
    return keys


def _attribute_dicts(mod: ModuleModel) -> dict[str, list[ast.expr]]:
    """`self.args = {...}` anywhere in the module, by attribute name (built once)."""
    found = mod.memo.get("attribute_dicts")
    if found is None:
        found = {}
        for scope in mod.scopes.values():
            for targets, value in scope.assigns:
                if isinstance(value, ast.Dict):
                    for target in targets:
                        if (
                            isinstance(target, ast.Attribute)
                            and isinstance(target.value, ast.Name)
                            and target.value.id == "self"
                        ):
                            found.setdefault(target.attr, []).append(value)
        mod.memo["attribute_dicts"] = found
    return found  # type: ignore[return-value]


def _local_dict_keys(mod: ModuleModel, name: str, scope: Scope | None, depth: int) -> Keys | None:
    """Keys of a dict built in this function: a literal, then `d[k] = v`, `d.update(...)`, `d |= {...}`."""
    if scope is None:
        return None
    keys: Keys | None = None
    added = Keys(set())  # `d[k] = v` (assignments are collected in no particular order)
    for targets, value in scope.assigns:
        for target in targets:
            if isinstance(target, ast.Name) and target.id == name:
                found = _expr_keys(mod, value, scope, depth + 1)
                keys = found if keys is None else Keys(keys.names | found.names, keys.unknown or found.unknown)
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == name:
                text = mod.const_str(target.slice, scope)
                options = {text} if text is not None else _possible_strings(mod, target.slice, scope)
                if options:
                    added.names |= options
                else:
                    added.unknown = True
    if keys is None:
        if not added.names or name not in scope.params:
            return None
        keys = _passed_keys(mod, name, scope, depth)  # a dict parameter the function adds keys to
    _merge(keys, added)
    for call in scope.calls:
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == name
            and func.attr in ("update", "setdefault")
        ):
            if func.attr == "setdefault" and call.args:
                text = mod.const_str(call.args[0], scope)
                if text:
                    keys.names.add(text)
                continue
            _merge(keys, keys_of(mod, call, scope, depth + 1))
            for arg in call.args:
                _merge(keys, _expr_keys(mod, arg, scope, depth + 1))
    return keys


def _possible_strings(mod: ModuleModel, expr: ast.expr, scope: Scope | None) -> set[str] | None:
    """`key = "a" if x else "b"` → {"a", "b"}."""
    if isinstance(expr, ast.Name) and scope is not None:
        value = mod.local_value(expr.id, scope)
        if isinstance(value, ast.IfExp):
            found = {mod.const_str(value.body, scope), mod.const_str(value.orelse, scope)}
            if None not in found:
                return {s for s in found if s is not None}
    return None


def construction_options(mod: ModuleModel, call: ast.Call, kind: ClientKind) -> tuple[bool | None, bool]:
    """(explicit timeout at construction — None when it may arrive through **kwargs, retries switched off)."""
    scope = mod.scope(call)
    keys = keys_of(mod, call, scope)
    if kind.default_timeout:
        timeout: bool | None = True
    else:
        timeout = keys.status(TIMEOUT_KEYS | frozenset(kind.timeout_kwargs) - {"http_options", "config"})
    retries_off = any(
        kw.arg in ("max_retries", "num_retries") and isinstance(kw.value, ast.Constant) and kw.value.value == 0
        for kw in call.keywords
    )
    return timeout, retries_off


def call_options(mod: ModuleModel, call: ast.Call, scope: Scope, extra: list[ast.Call] | None = None) -> Options:
    """Timeout and output limit as they reach one call site."""
    keys = keys_of(mod, call, scope)
    for other in extra or ():
        _merge(keys, keys_of(mod, other, scope))
    return Options(
        timeout=keys.status(TIMEOUT_KEYS),
        max_tokens=keys.status(MAX_TOKEN_KEYS),
        wrapper_timeout=under_deadline(mod, call),
        forwarded=keys.forwarded,
    )


def under_deadline(mod: ModuleModel, node: ast.AST) -> bool:
    """Inside `asyncio.wait_for(...)`, `async with asyncio.timeout(...)`, `anyio.fail_after(...)`
    or under a timeout decorator."""
    for parent in mod.ancestors(node):
        if isinstance(parent, ast.Call) and _is_deadline(mod, parent.func):
            return True
        if isinstance(parent, ast.With | ast.AsyncWith) and any(
            isinstance(i.context_expr, ast.Call) and _is_deadline(mod, i.context_expr.func) for i in parent.items
        ):
            return True
        if isinstance(parent, FuncNode):
            for deco in parent.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if _is_deadline(mod, target):
                    return True
            return False
    return False


def _is_deadline(mod: ModuleModel, func: ast.AST) -> bool:
    qual = mod.qualname(func) or dotted(func) or ""
    return qual in TIMEOUT_WRAPPERS or qual.endswith(("wait_for", ".fail_after", ".move_on_after", "timeout.timeout"))
