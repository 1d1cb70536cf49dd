"""Build a `ModuleModel`: one walk of the tree, then bindings, then call sites.

The walk records, for every node once: its parent, its scope (function or module), the
assignments, returns and calls of each scope, imports (relative ones made absolute) and
module constants. Bindings then work out what each name, `self` attribute and factory
call holds (a client, an SDK method alias, an HTTP session, a LangChain runnable), within
the module and, given a `ProjectIndex`, through imports from other modules. `sites.py`
finally decides which calls reach a model.
"""

from __future__ import annotations

import ast
import re

from .index import ClientRef, ProjectIndex, absolute_import
from .libraries import (
    BEDROCK_RUNTIME,
    BOTO3_CLIENTS,
    CALL_THROUGH,
    CONSTRUCTORS,
    DERIVING_METHODS,
    FUNCTION_HOLDERS,
    FUNCTIONS,
    HTTP_SESSION_CONSTRUCTORS,
    LANGCHAIN_MODULES,
    METHOD_TABLES,
    OBSERVABILITY_MODULES,
    ClientKind,
    framework_kind,
)
from .module import Binding, Client, FuncNode, ModuleModel, Scope, dotted, last_name

OBSERVE = re.compile(
    r"(^|[._])(log|logs|logger|logging|structlog|loguru|tracer|span|metrics|statsd|counter|histogram|telemetry"
    r"|sentry_sdk|print|pprint|record_[a-z_]+|track[a-z_]*|emit|audit|observe|instrument)([._]|$)"
    r"|start_as_current_span|start_span|traceable|log_[a-z_]+|[a-z]+_logger",
    re.IGNORECASE,
)
LOG_SETUP = ("getLogger", "get_logger", "basicConfig", "dictConfig", "setLevel", "addHandler")
LLM_NAME = re.compile(r"(^|_)(llm|llms|chat_?model|model|chain|lm|chat|summary_model|classifier)s?($|_)", re.IGNORECASE)
NOT_LLM_NAME = re.compile(
    r"(prompt|parser|retriever|graph|agent|tool|memory|store|splitter|loader|db|session|tokenizer|encoder|vector)",
    re.IGNORECASE,
)


def build_module(path: str, source: str, tree: ast.Module, index: ProjectIndex | None = None) -> ModuleModel:
    from .sites import find_sites

    mod = ModuleModel(path=path, source=source, tree=tree, lines=source.splitlines())
    _walk(mod)
    _mark_logging(mod)
    binder = Binder(mod, index)
    if index is not None:
        mod.text_resolver = index.text
    binder.run()
    find_sites(mod, binder)
    return mod


# --- the walk ---------------------------------------------------------------------------
SKIP_NODES = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop, str, int)  # leaves no rule reads


def _walk(mod: ModuleModel) -> None:
    top = Scope(mod.tree, "<module>", None)
    mod.scopes[mod.tree] = top
    parents = mod.parents
    strings, long_strings = mod.strings, mod.long_strings
    stack: list[tuple[ast.AST, Scope, ast.ClassDef | None]] = [(mod.tree, top, None)]
    while stack:
        node, scope, cls = stack.pop()
        kind = type(node)
        inner, inner_cls = scope, cls
        if kind is ast.Call:
            scope.calls.append(node)  # type: ignore[arg-type]
            mod.all_calls.append(node)  # type: ignore[arg-type]
            mod.scope_of_node[node] = scope
            mod.calls_by_name.setdefault(last_name(node.func), []).append(node)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            mod.attributes.add(node.attr)  # type: ignore[attr-defined]
        elif kind is ast.Assign:
            scope.assigns.append((node.targets, node.value))  # type: ignore[attr-defined]
            value = node.value  # type: ignore[attr-defined]
            if isinstance(value, ast.Call) and last_name(value.func) in ("__import__", "import_module") and value.args:
                target = node.targets[0]  # type: ignore[attr-defined]
                name = value.args[0]
                if isinstance(target, ast.Name) and isinstance(name, ast.Constant) and isinstance(name.value, str):
                    mod.imports[target.id] = name.value
            if scope is top and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):  # type: ignore[attr-defined]
                mod.constants[node.targets[0].id] = node.value  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign or kind is ast.AugAssign:
            if node.value is not None:  # type: ignore[attr-defined]
                scope.assigns.append(([node.target], node.value))  # type: ignore[attr-defined]
                if kind is ast.AnnAssign and scope is top and isinstance(node.target, ast.Name):  # type: ignore[attr-defined]
                    mod.constants[node.target.id] = node.value  # type: ignore[attr-defined]
        elif kind is ast.NamedExpr:
            scope.assigns.append(([node.target], node.value))  # type: ignore[attr-defined]
        elif kind is ast.For or kind is ast.AsyncFor or kind is ast.comprehension:
            scope.assigns.append(([node.target], node.iter))  # type: ignore[attr-defined]
        elif kind is ast.With or kind is ast.AsyncWith:
            for item in node.items:  # type: ignore[attr-defined]
                if item.optional_vars is not None:
                    scope.assigns.append(([item.optional_vars], item.context_expr))
        elif kind is ast.Return:
            if scope.parent is not None:
                mod.returns.setdefault(scope.node, []).append(node)  # type: ignore[arg-type]
        elif kind is ast.ExceptHandler:
            mod.handlers.append(node)  # type: ignore[arg-type]
        elif kind is ast.Delete:
            mod.deletes.append(node)  # type: ignore[arg-type]
        elif kind is ast.Import:
            for alias in node.names:  # type: ignore[attr-defined]
                local = alias.asname or alias.name.partition(".")[0]
                mod.imports[local] = alias.name if alias.asname else alias.name.partition(".")[0]
        elif kind is ast.ImportFrom:
            base = absolute_import(mod.path, node.module, node.level)  # type: ignore[attr-defined]
            for alias in node.names:  # type: ignore[attr-defined]
                if alias.name != "*":
                    mod.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            mod.functions.setdefault(node.name, node)  # type: ignore[attr-defined, arg-type]
            args = node.args  # type: ignore[attr-defined]
            params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
            inner = Scope(
                node,
                node.name,  # type: ignore[attr-defined]
                scope,
                cls=cls or scope.cls,
                is_async=kind is ast.AsyncFunctionDef,
                params=frozenset(params),
                kwargs_param=args.kwarg.arg if args.kwarg else "",
            )
            mod.scopes[node] = inner
            inner_cls = None
            for child in ast.iter_child_nodes(node):
                parents[child] = node
                outer = child in node.decorator_list or child is args or child is node.returns  # type: ignore[attr-defined]
                stack.append((child, scope if outer else inner, cls if outer else inner_cls))
            continue
        elif kind is ast.ClassDef:
            mod.classes.setdefault(node.name, node)  # type: ignore[attr-defined, arg-type]
            inner_cls = node  # type: ignore[assignment]
            for stmt in node.body:  # type: ignore[attr-defined]
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                    mod.class_constants[stmt.targets[0].id] = stmt.value
                elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                    mod.class_constants[stmt.target.id] = stmt.value
        for field in node._fields:
            value = getattr(node, field, None)
            children = value if type(value) is list else (value,)
            for child in children:
                kind = type(child)
                if kind is ast.Name or child is None or isinstance(child, SKIP_NODES):
                    continue  # leaves no rule needs to see again
                if kind is ast.Constant:
                    text = child.value  # type: ignore[union-attr]
                    if type(text) is str:
                        if len(text) <= 40:
                            strings.add(text)
                        if len(text) >= 20:
                            long_strings.append(child)  # type: ignore[arg-type]
                    continue
                if isinstance(child, ast.AST):
                    parents[child] = node
                    stack.append((child, inner, inner_cls))
    mod.all_calls.sort(key=lambda c: (c.lineno, c.col_offset))


def _mark_logging(mod: ModuleModel) -> None:
    """A scope logs when it calls a logger, a tracer, a metric or print (setup calls do not count)."""
    observed_module = mod.imported(*OBSERVABILITY_MODULES)
    for scope in mod.scopes.values():
        if observed_module:
            scope.logs = True
            continue
        node = scope.node
        if isinstance(node, FuncNode):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if OBSERVE.search(dotted(target) or ""):
                    scope.logs = True
        if scope.logs:
            continue
        for call in scope.calls:
            name = dotted(call.func) or ""
            if name and OBSERVE.search(name) and not name.endswith(LOG_SETUP):
                scope.logs = True
                break
        if not scope.logs and isinstance(node, FuncNode):
            # `with tracer.start_as_current_span(...)` / callbacks=[handler] count too
            for call in scope.calls:
                if any(k.arg in ("callbacks", "callback_manager", "tracer") for k in call.keywords):
                    scope.logs = True
                    break


# --- bindings ----------------------------------------------------------------------------
class Binder:
    """Works out what names hold. Three passes over the collected assignments: enough for
    wrappers of wrappers, linear in the number of assignments."""

    def __init__(self, mod: ModuleModel, index: ProjectIndex | None) -> None:
        self.mod = mod
        self.index = index
        self.made: dict[ast.Call, Client] = {}
        self.session_calls: dict[str, ast.Call] = {}
        self.params_seen: dict[tuple[object, str], Binding | None] = {}
        self.langchain = mod.imported(*LANGCHAIN_MODULES)

    def run(self) -> None:
        mod = self.mod
        self._annotations()
        for _ in range(3):
            changed = False
            for scope in mod.scopes.values():
                for targets, value in scope.assigns:
                    if isinstance(value, ast.Tuple) and len(targets) == 1 and isinstance(targets[0], ast.Tuple):
                        pairs = list(zip(targets[0].elts, value.elts, strict=False))
                    else:
                        pairs = [(t, value) for t in targets]
                    for target, item in pairs:
                        binding = self.value(item, scope)
                        if binding is not None and binding.resolution == "chain":  # `create = client.chat...create`
                            binding = Binding(
                                binding.client, method=binding.method, derived=binding.derived, resolution="alias"
                            )
                        if binding is not None and self.bind(target, binding, scope):
                            changed = True
            for func, returns in mod.returns.items():
                scope = mod.scopes[func]
                for ret in returns:
                    binding = self.value(ret.value, scope) if ret.value is not None else None
                    if binding is not None and self.bind_factory(func, binding, scope):  # type: ignore[arg-type]
                        changed = True
            if not changed:
                break

    # keys -------------------------------------------------------------------------------
    def key(self, target: ast.AST, scope: Scope) -> tuple[object, str] | None:
        if isinstance(target, ast.Subscript):  # a cache: self._clients[key] = make_client(key)
            if isinstance(target.value, ast.Name):
                return (self.mod.tree, target.value.id + "[]")
            inner = self.key(target.value, scope)
            return (inner[0], inner[1] + "[]") if inner else None
        name = dotted(target)
        if not name or name.endswith("()"):
            return None
        if isinstance(target, ast.Name):
            return (scope.node if scope.parent is not None else self.mod.tree, name)
        head = name.partition(".")[0]
        if head in ("self", "cls") and scope.cls is not None:
            return (scope.cls, "self." + name.partition(".")[2])
        return (self.mod.tree, name)

    def bind(self, target: ast.AST, binding: Binding, scope: Scope) -> bool:
        key = self.key(target, scope)
        if key is None:
            return False
        bindings = self.mod.bindings
        if key in bindings and bindings[key].client is binding.client and bindings[key].method == binding.method:
            return False
        existing = bindings.get(key)
        if existing is not None and existing.client is not None and binding.client is not None and not binding.method:
            first, other = existing.client, binding.client
            if first.node is not None and other.node is not None:  # two constructors for one name (if/else)
                if other.origin not in first.siblings and other.origin != first.origin:
                    first.siblings += (other.origin,)
                return False
        new = key not in bindings
        bindings[key] = binding
        if binding.session is not None and binding.resolution.startswith("session:"):
            ctor = self.session_calls.get(binding.resolution)
            if ctor is not None:
                self.mod.session_ctors.setdefault(key[1], []).append(ctor)
        if binding.client is not None and not binding.client.name:
            binding.client.name = key[1]
        if key[1].startswith("self.") and (self.mod.tree, key[1]) not in bindings:
            bindings[(self.mod.tree, key[1])] = binding  # fallback for other classes of the module
        return new

    def bind_factory(self, func: FuncNode, binding: Binding, scope: Scope) -> bool:
        if binding.client is None and not binding.session:
            return False
        bindings = self.mod.bindings
        keys = [(self.mod.tree, f"{func.name}()")]
        if scope.cls is not None:
            keys += [(scope.cls, f"self.{func.name}()"), (self.mod.tree, f"{scope.cls.name}.{func.name}()")]
            if any(
                dotted(d) in ("property", "cached_property", "functools.cached_property") for d in func.decorator_list
            ):
                keys.append((scope.cls, f"self.{func.name}"))
        changed = False
        for key in keys:
            if key not in bindings:
                bindings[key] = Binding(binding.client, session=binding.session, resolution="factory")
                changed = True
            else:
                first, other = bindings[key].client, binding.client
                if (
                    first is not None
                    and other is not None
                    and first is not other
                    and other.origin
                    and other.origin not in first.siblings
                    and other.origin != first.origin
                ):
                    first.siblings += (other.origin,)
        return changed

    def lookup(self, name: str, scope: Scope) -> Binding | None:
        bindings = self.mod.bindings
        head = name.partition(".")[0]
        if head in ("self", "cls"):
            rest = "self." + name.partition(".")[2]
            cls = scope.cls
            while cls is not None:
                found = bindings.get((cls, rest))
                if found is not None:
                    return found
                cls = self._local_base(cls)
            if scope.cls is not None:
                found = self._inherited(scope.cls, rest)
                if found is not None:
                    return found
            return bindings.get((self.mod.tree, rest))
        current: Scope | None = scope
        while current is not None:
            found = bindings.get((current.node if current.parent is not None else self.mod.tree, name))
            if found is not None:
                return found
            current = current.parent
        if "." not in name and name in scope.params:
            return self.param_value(scope, name)
        return None

    def param_value(self, scope: Scope, name: str) -> Binding | None:
        """A parameter holds what the module's callers of the function pass for it (one level)."""
        key = (scope.node, "param:" + name)
        if key in self.params_seen:
            return self.params_seen[key]
        self.params_seen[key] = None  # a recursive call sees "unknown"
        found = None
        for caller, argument in parameter_arguments(self.mod, scope, name):
            found = self.value(argument, self.mod.scope(caller))
            if found is not None:
                break
        self.params_seen[key] = found
        return found

    def _local_base(self, cls: ast.ClassDef) -> ast.ClassDef | None:
        for base in cls.bases:
            found = self.mod.classes.get(dotted(base) or "")
            if found is not None and found is not cls:
                return found
        return None

    def _inherited(self, cls: ast.ClassDef, attr: str) -> Binding | None:
        """`self.client` set by a base class defined in another module of the project."""
        if self.index is None:
            return None
        for base in cls.bases:
            qual = self.mod.qualname(base)
            export = self.index.lookup(qual) if qual else None
            ref = export.attrs.get(attr.removeprefix("self.")) if export else None
            if ref is not None:
                return Binding(self.client_from_ref(ref, "imported"), resolution="imported")
        return None

    # values ----------------------------------------------------------------------------
    def client_from_ref(self, ref: ClientRef, resolution: str) -> Client:
        return Client(
            ref.kind,
            None,
            origin=ref.origin,
            resolution=resolution,
            timeout=ref.timeout,
            retries_off=ref.retries_off,
            siblings=ref.siblings,
        )

    def new_client(self, kind: ClientKind, call: ast.Call) -> Client:
        client = self.made.get(call)
        if client is None:
            from .options import construction_options

            timeout, retries_off = construction_options(self.mod, call, kind)
            client = Client(
                kind, call, origin=f"{self.mod.path}:{call.lineno}", timeout=timeout, retries_off=retries_off
            )
            self.made[call] = client
            self.mod.all_clients.append(client)
        return client

    def constructor(self, call: ast.Call) -> ClientKind | None:
        qual = self.mod.qualname(call.func)
        if qual is None:
            return None
        kind = CONSTRUCTORS.get(qual) or framework_kind(qual)
        if kind is not None:
            return kind
        if qual in BOTO3_CLIENTS or (qual.endswith(".client") and qual.startswith("boto3")):
            service = self.mod.const_str(call.args[0]) if call.args else None
            service = service or self.mod.const_str(
                next((k.value for k in call.keywords if k.arg == "service_name"), None)
            )
            return BEDROCK_RUNTIME if service == "bedrock-runtime" else None
        return None

    def value(self, expr: ast.AST | None, scope: Scope) -> Binding | None:
        if expr is None:
            return None
        if isinstance(expr, ast.Await):
            expr = expr.value
        if isinstance(expr, ast.Call):
            return self.call_value(expr, scope)
        if isinstance(expr, ast.Name | ast.Attribute):
            return self.name_value(expr, scope)
        if isinstance(expr, ast.Subscript):
            owner = dotted(expr.value)
            if isinstance(expr.value, ast.Name):
                return self.mod.bindings.get((self.mod.tree, owner + "[]"))  # type: ignore[operator]
            return self.lookup(owner + "[]", scope) if owner else None
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            for side in (expr.right, expr.left):
                found = self.value(side, scope)
                if found is not None and found.client is not None and found.client.kind.chat_object:
                    return Binding(found.client, derived="runnable", resolution=found.resolution)
            return None
        if isinstance(expr, ast.IfExp):
            return self.value(expr.body, scope) or self.value(expr.orelse, scope)
        if isinstance(expr, ast.BoolOp):
            return next((b for v in expr.values if (b := self.value(v, scope)) is not None), None)
        return None

    def call_value(self, call: ast.Call, scope: Scope) -> Binding | None:
        mod = self.mod
        kind = self.constructor(call)
        if kind is not None:
            return Binding(self.new_client(kind, call), resolution="direct")
        qual = mod.qualname(call.func)
        if qual in HTTP_SESSION_CONSTRUCTORS:
            self.session_calls[f"session:{id(call)}"] = call
            return Binding(session=HTTP_SESSION_CONSTRUCTORS[qual], resolution=f"session:{id(call)}")
        if qual in CALL_THROUGH and call.args and last_name(call.func) == "partial":
            inner = self.value(call.args[0], scope)
            if inner is not None and (inner.method or inner.function):
                return Binding(inner.client, method=inner.method, function=inner.function, resolution="alias")
        func = call.func
        if isinstance(func, ast.Attribute):
            method = func.attr
            base = self.value(func.value, scope)
            if method in ("create", "start_chat") and (method == "start_chat" or last_name(func.value) == "chats"):
                owner = base if method == "start_chat" else self.value(func.value.value, scope)  # type: ignore[attr-defined]
                if owner is not None and owner.client is not None:
                    return Binding(owner.client, derived="session", resolution=owner.resolution)
            if method in DERIVING_METHODS:
                if base is not None and base.client is not None:
                    client = base.client
                    traits = set(client.traits)
                    if method == "with_retry":
                        traits.add("retry")
                    elif method == "with_fallbacks":
                        traits.add("fallback")
                    elif method == "with_options" and any(k.arg == "timeout" for k in call.keywords):
                        traits.add("timeout")
                    if traits != set(client.traits):
                        client = Client(**{**client.__dict__, "traits": frozenset(traits)})
                    derived = (
                        "" if method in ("with_options", "with_raw_response", "with_streaming_response") else "runnable"
                    )
                    if method == "get_model":
                        derived = "model"
                    return Binding(client, derived=derived, resolution=base.resolution)
                if base is None and method in ("bind_tools", "with_structured_output"):  # LangChain's own names
                    guess = framework_kind("langchain.chat_models.init_chat_model")
                    assert guess is not None
                    client = Client(guess, None, name=dotted(func.value) or "", resolution="shape", timeout=None)
                    return Binding(client, derived="runnable", resolution="shape")
        name = dotted(call.func)
        if name:
            found = self.lookup(name + "()", scope)
            if found is not None:
                return found
            if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
                cls_key = f"{call.func.value.id}.{call.func.attr}()"
                found = self.mod.bindings.get((self.mod.tree, cls_key))
                if found is not None:
                    return found
        if qual and self.index is not None:
            export = self.index.lookup(qual)
            if export is not None and export.factory and export.client is not None:
                return Binding(self.client_from_ref(export.client, "factory"), resolution="factory")
        return None

    def name_value(self, expr: ast.Name | ast.Attribute, scope: Scope) -> Binding | None:
        name = dotted(expr)
        if name is None:
            return None
        found = self.lookup(name, scope)
        if found is not None:
            return found
        qual = self.mod.qualname(expr)
        if qual in FUNCTIONS:
            return Binding(function=qual, resolution="alias")
        if qual in FUNCTION_HOLDERS:
            return Binding(holder=qual, resolution="alias")
        if isinstance(expr, ast.Attribute):
            base = self.value(expr.value, scope)
            if base is not None and base.client is not None and not base.method:
                path = expr.attr
                table = METHOD_TABLES.get(base.client.kind.methods, {})
                if base.derived == "session":
                    table = METHOD_TABLES["session"]
                elif base.derived == "runnable":
                    table = METHOD_TABLES["framework"]
                if path in table or any(k.startswith(path + ".") for k in table):
                    return Binding(base.client, method=path, derived=base.derived, resolution="chain")
            if base is not None and base.method:
                return Binding(
                    base.client, method=f"{base.method}.{expr.attr}", derived=base.derived, resolution=base.resolution
                )
        if qual and self.index is not None:
            export = self.index.lookup(qual)
            if export is not None:
                if export.client is not None and not export.factory:
                    return Binding(self.client_from_ref(export.client, "imported"), resolution="imported")
                if export.method and export.client is not None:
                    return Binding(
                        self.client_from_ref(export.client, "imported"), method=export.method, resolution="alias"
                    )
                if export.function:
                    return Binding(function=export.function, resolution="alias")
        return None

    def _annotations(self) -> None:
        """Parameters and class attributes annotated with a client type (their options are unknown)."""
        mod = self.mod
        for scope in list(mod.scopes.values()):
            node = scope.node
            if not isinstance(node, FuncNode):
                continue
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                kind = self._annotated_kind(arg.annotation)
                if kind is not None:
                    client = Client(kind, None, name=arg.arg, resolution="annotation", timeout=None)
                    mod.bindings[(node, arg.arg)] = Binding(client, resolution="annotation")
        for cls in mod.classes.values():
            for stmt in cls.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is None:
                    kind = self._annotated_kind(stmt.annotation)
                    if kind is not None:
                        client = Client(kind, None, name=stmt.target.id, resolution="annotation", timeout=None)
                        mod.bindings[(cls, "self." + stmt.target.id)] = Binding(client, resolution="annotation")

    def _annotated_kind(self, annotation: ast.AST | None) -> ClientKind | None:
        """`client: OpenAI`, `Optional[AsyncAnthropic]`, `OpenAI | AzureOpenAI`, `"OpenAI"`."""
        if annotation is None:
            return None
        if isinstance(annotation, ast.Name | ast.Attribute):
            head = annotation
            while isinstance(head, ast.Attribute):
                head = head.value
            if not isinstance(head, ast.Name) or head.id not in self.mod.imports:
                return None
            qual = self.mod.qualname(annotation)
            return (CONSTRUCTORS.get(qual) or framework_kind(qual)) if qual else None
        if isinstance(annotation, ast.Subscript):
            return self._annotated_kind(annotation.slice) or None
        if isinstance(annotation, ast.BinOp):
            return self._annotated_kind(annotation.left) or self._annotated_kind(annotation.right)
        if isinstance(annotation, ast.Tuple):
            return next((k for e in annotation.elts if (k := self._annotated_kind(e)) is not None), None)
        return None


def llm_like_name(name: str) -> bool:
    """`llm`, `self.chat_model`, `summary_model`: a name that, in LangChain code, holds a model."""
    last = name.rpartition(".")[2]
    return bool(LLM_NAME.search(last)) and not NOT_LLM_NAME.search(last)


def parameter_arguments(mod: ModuleModel, scope: Scope, name: str) -> list[tuple[ast.Call, ast.expr]]:
    return mod.arguments_for(scope, name)
