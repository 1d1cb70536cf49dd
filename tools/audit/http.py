"""Raw HTTP calls (requests, httpx, aiohttp) that reach an LLM endpoint.

A POST is an LLM call when its URL — a literal, an f-string, a constant, a config or
environment default, or a session's `base_url` joined with a relative path — names a
provider host or an LLM endpoint path (`/chat/completions`, `/v1/messages`, `/api/chat`,
`:generateContent`, …); when the variable holding the URL is named like one
(`self.inference_endpoint`); or when the request body is shaped like an LLM request
(`{"model": …, "messages": […]}`).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .libraries import (
    HTTP_FUNCTIONS,
    HTTP_SESSION_CONSTRUCTORS,
    HTTP_SESSION_METHODS,
    LLM_BODY_KEYS,
    URL_NAME_HINT,
    endpoint_of,
)
from .module import LLMCall, ModuleModel, Scope, dotted, last_name
from .options import call_options, keys_of

if TYPE_CHECKING:
    from .build import Binder


def http_site(mod: ModuleModel, binder: Binder, call: ast.Call, scope: Scope, qual: str) -> LLMCall | None:
    library_async = _http_library(mod, binder, call, scope, qual)
    if library_async is None:
        return None
    library, is_async = library_async
    name = last_name(call.func)
    positional = 1 if name in ("request", "stream") else 0
    if name in ("request", "stream") and call.args:
        verb = mod.const_str(call.args[0], scope)
        if verb is not None and verb.upper() not in ("POST", "PUT"):
            return None
    url_node = next((k.value for k in call.keywords if k.arg == "url"), None)
    if url_node is None and len(call.args) > positional:
        url_node = call.args[positional]
    found = _endpoint(mod, binder, call, scope, url_node)
    if found is None:
        return None
    provider, resolution = found
    site = LLMCall(call, library, provider, "http", is_async, f"{library}.{name}", resolution=resolution)
    site.options = call_options(mod, call, scope)
    return site


def _http_library(mod: ModuleModel, binder: Binder, call: ast.Call, scope: Scope, qual: str) -> tuple[str, bool] | None:
    if qual in HTTP_FUNCTIONS:
        return HTTP_FUNCTIONS[qual]
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in HTTP_SESSION_METHODS:
        return None
    receiver = func.value
    if isinstance(receiver, ast.Call):
        inline = mod.qualname(receiver.func)
        if inline in HTTP_SESSION_CONSTRUCTORS:
            return HTTP_SESSION_CONSTRUCTORS[inline]
    binding = binder.value(receiver, scope)
    if binding is not None and binding.session:
        return binding.session
    return None


def _endpoint(
    mod: ModuleModel, binder: Binder, call: ast.Call, scope: Scope, url_node: ast.expr | None
) -> tuple[str | None, str] | None:
    """(provider, resolution) when the call reaches an LLM endpoint."""
    if url_node is not None:
        url = mod.const_str(url_node, scope)
        if not url:
            url = _from_callers(mod, url_node, scope)
        if url:
            endpoint = endpoint_of(url)
            if endpoint is not None:
                return endpoint.provider, _url_resolution(mod, url_node, scope)
        base = _session_base_url(mod, binder, call, scope)
        if base:
            endpoint = endpoint_of(base + (url or ""))
            if endpoint is not None:
                return endpoint.provider, "config URL"
        holder = _url_holder(mod, url_node, scope)
        if holder and URL_NAME_HINT.search(holder):
            return None, "config URL"
    if _llm_body(mod, call, scope):
        return None, "body"
    return None


def _from_callers(mod: ModuleModel, node: ast.expr, scope: Scope) -> str | None:
    """A URL parameter: what the module's callers of the function pass for it."""
    from .build import parameter_arguments

    if not isinstance(node, ast.Name) or node.id not in scope.params:
        return None
    for caller, argument in parameter_arguments(mod, scope, node.id):
        text = mod.const_str(argument, mod.scope(caller))
        if text:
            return text
    return None


def _url_resolution(mod: ModuleModel, node: ast.expr, scope: Scope) -> str:
    if isinstance(node, ast.Constant | ast.JoinedStr):
        literal_parts = [v for v in getattr(node, "values", [node]) if isinstance(v, ast.Constant)]
        if any(isinstance(v.value, str) and ("://" in v.value or v.value.startswith("/")) for v in literal_parts):
            return "url"
    if isinstance(node, ast.Name) and node.id in mod.constants:
        return "url"
    return "config URL"


def _url_holder(mod: ModuleModel, node: ast.expr, scope: Scope) -> str:
    """The variable or attribute a URL comes from (following one local assignment)."""
    if isinstance(node, ast.Name):
        value = mod.local_value(node.id, scope)
        if value is not None and not isinstance(value, ast.Name):
            inner = _url_holder(mod, value, scope) if isinstance(value, ast.JoinedStr | ast.Attribute) else ""
            return inner or node.id
        return node.id
    if isinstance(node, ast.Attribute):
        return dotted(node) or node.attr
    if isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                return _url_holder(mod, value.value, scope)
    return ""


def _session_base_url(mod: ModuleModel, binder: Binder, call: ast.Call, scope: Scope) -> str | None:
    """`httpx.Client(base_url=...)` built in this module: its base URL."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    for ctor in _session_constructors(mod, binder, func.value, scope):
        base = next((k.value for k in ctor.keywords if k.arg == "base_url"), None)
        text = mod.const_str(base, mod.scope(ctor)) if base is not None else None
        if text:
            return text
    return None


def _session_constructors(mod: ModuleModel, binder: Binder, receiver: ast.expr, scope: Scope) -> list[ast.Call]:
    name = dotted(receiver)
    if not name:
        return []
    if name.startswith(("self.", "cls.")):
        name = "self." + name.partition(".")[2]
    return mod.session_ctors.get(name, [])


def _llm_body(mod: ModuleModel, call: ast.Call, scope: Scope) -> bool:
    for kw in call.keywords:
        if kw.arg not in ("json", "data", "content"):
            continue
        value = kw.value
        if isinstance(value, ast.Call) and last_name(value.func) == "dumps" and value.args:
            value = value.args[0]
        probe = ast.Call(func=ast.Name("dict"), args=[], keywords=[ast.keyword(arg=None, value=value)])
        names = keys_of(mod, probe, scope).names
        if not names and isinstance(value, ast.Name) and value.id in scope.params:
            from .build import parameter_arguments

            for caller, argument in parameter_arguments(mod, scope, value.id):
                outer = ast.Call(func=ast.Name("dict"), args=[], keywords=[ast.keyword(arg=None, value=argument)])
                names |= keys_of(mod, outer, mod.scope(caller)).names
        if any(shape <= names for shape in LLM_BODY_KEYS if shape != frozenset({"contents"})):
            return True
    return False
