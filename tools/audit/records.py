"""What a worker process hands back per file: small, picklable records, never syntax trees.

Module rules judge what one file can answer and return `RawFinding`s. Call sites and
clients come back as `SiteRecord`s and `ClientRecord`s with everything the project rules
need to judge them after every file is known (options that arrive through another
module's factory or through `**kwargs`, retries around a use, logging in a caller).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .module import Client, LLMCall, ModuleModel


@dataclass
class Location:
    path: str
    line: int
    column: int
    end_line: int
    snippet: str

    @classmethod
    def of(cls, mod: ModuleModel, node: ast.AST) -> Location:
        line = getattr(node, "lineno", 1)
        end = getattr(node, "end_lineno", None) or line
        return cls(mod.path, line, getattr(node, "col_offset", 0) + 1, end, mod.snippet(line, end))


@dataclass
class RawFinding:
    rule: str
    where: Location
    message: str
    unverified: bool = False
    resolution: str = ""


@dataclass
class SiteRecord:
    """One LLM call site and how it is protected, as far as its own module can tell."""

    where: Location
    kind: str
    library: str
    provider: str | None
    method: str
    resolution: str
    is_async: bool
    function: str  # enclosing function name ("" at module level)
    has_client: bool = False  # reached through a client object (not a module function or raw HTTP)
    client_origin: str = ""  # "path:line" of the client's constructor
    client_siblings: tuple[str, ...] = ()  # other constructors its factory may return
    client_timeout: bool | None = None  # None: unknown (client from elsewhere)
    client_retries_off: bool = False
    client_traits: frozenset[str] = frozenset()
    chat_object: bool = False  # LangChain / LlamaIndex model: limits live on the constructor
    timeout: bool | None = False  # at the call (None: may arrive through **kwargs or a wrapper)
    wrapper_timeout: bool = False
    max_tokens: bool | None = False
    forwarded: str = ""  # options arrive through this **kwargs parameter of `function`
    retried: bool = False  # retry decorator, retry loop or tenacity block around it
    logs: bool = False  # its function (or a decorator / callback) logs or traces
    handled: bool = False  # inside try/except
    in_route: bool = False
    in_except: bool = False  # in an `except` block (a hand-written fallback)
    suppressed: frozenset[str] = frozenset()  # rules silenced on its line


@dataclass
class ClientRecord:
    where: Location
    origin: str
    library: str
    timeout: bool | None
    retries_off: bool
    chat_object: bool
    embedding: bool
    local_uses: int
    max_tokens: bool | None = False
    function: str = ""  # the function that builds it ("" at module level)
    suppressed: frozenset[str] = frozenset()


@dataclass
class FileFacts:
    """Per-file answers to the project questions: anywhere a fallback, a breaker, usage read?"""

    providers: set[str] = field(default_factory=set)
    has_fallback: bool = False
    has_breaker: bool = False
    reads_usage: bool = False
    traced: bool = False  # imports an LLM tracing SDK (LangSmith, Langfuse, OpenLIT, Logfire, ...)
    stores_output: bool = False  # model output written to a file, database or cache
    executed_reads: list[Location] = field(default_factory=list)  # exec/shell of what was read back
    models: list[tuple[Location, str, str | None, frozenset[str]]] = field(default_factory=list)  # named models


def site_record(mod: ModuleModel, call: LLMCall, **facts: object) -> SiteRecord:
    client: Client | None = call.client
    return SiteRecord(
        where=Location.of(mod, call.target if isinstance(call.target, ast.Attribute) else call.node),
        kind=call.kind,
        library=call.library,
        provider=call.provider,
        method=call.method,
        resolution=call.resolution,
        is_async=call.is_async,
        has_client=client is not None,
        client_origin=client.origin if client else "",
        client_siblings=client.siblings if client else (),
        client_timeout=client.timeout if client else None,
        client_retries_off=client.retries_off if client else False,
        client_traits=client.traits if client else frozenset(),
        chat_object=bool(client and client.kind.chat_object),
        timeout=call.options.timeout,
        wrapper_timeout=call.options.wrapper_timeout,
        max_tokens=call.options.max_tokens,
        forwarded=call.options.forwarded,
        **facts,  # type: ignore[arg-type]
    )
