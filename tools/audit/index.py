"""The project index: what each module exports that other modules' LLM calls depend on.

Every parsed file contributes a small, picklable `ModuleSummary` (its LLM clients and
client factories, aliases of SDK methods, classes that hold clients on `self`, string
constants such as endpoint URLs, functions that return model output, and how it calls
other functions). The engine merges them into one `ProjectIndex`; a second, smaller round
re-analyses the files whose imports it resolves, and project rules read it to follow
options through `**kwargs` and logging through callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .libraries import LLM_IMPORTS, ClientKind


@dataclass(frozen=True)
class ClientRef:
    """A client built somewhere in the project, as another module sees it."""

    kind: ClientKind
    origin: str  # "path:line" of the constructor
    timeout: bool | None
    retries_off: bool
    siblings: tuple[str, ...] = ()  # other constructors the same factory may return


@dataclass
class Export:
    client: ClientRef | None = None  # a module-level client, or what a factory returns
    factory: bool = False  # calling the name returns `client`
    method: str = ""  # an alias of a client method ("chat.completions.create")
    function: str = ""  # an alias of a module function ("litellm.completion")
    attrs: dict[str, ClientRef] = field(default_factory=dict)  # a class: self.<attr> holds a client
    bases: tuple[str, ...] = ()  # a class: its base classes, qualified
    text: str | None = None  # a string constant (URLs, model names)
    output: bool = False  # a function that returns model output


@dataclass(frozen=True)
class CallerFacts:
    """How one call to a project function looks from the caller's side."""

    path: str
    line: int
    keywords: frozenset[str]
    star: bool  # passes **something (options unknown)
    logs: bool  # the calling function logs, traces or prints
    function: str = ""  # the calling function's name ("" at module level)


@dataclass
class ModuleSummary:
    path: str
    exports: dict[str, Export] = field(default_factory=dict)
    uses: set[str] = field(default_factory=set)  # qualified names imported from project modules
    callers: dict[str, list[CallerFacts]] = field(default_factory=dict)


def module_names(path: str) -> list[str]:
    """Dotted names a file can be imported as: every suffix of its path with two or more parts."""
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    names = [".".join(parts[i:]) for i in range(len(parts)) if len(parts) - i >= 2]
    if len(parts) == 1 and parts[0] not in {n.split(".")[0] for n in LLM_IMPORTS}:
        names.append(parts[0])
    return names


def package_of(path: str) -> list[str]:
    """The package parts of a file (`a/b/c.py` → ["a", "b"]; `a/b/__init__.py` → ["a", "b"])."""
    parts = path.split("/")
    return parts[:-1]


def absolute_import(path: str, module: str | None, level: int) -> str:
    """`from ..x import y` in `a/b/c.py` → "a.x" (relative imports made absolute)."""
    if level == 0:
        return module or ""
    package = package_of(path)
    if level > 1:
        package = package[: len(package) - (level - 1)] if level - 1 <= len(package) else []
    base = ".".join(package)
    if module:
        return f"{base}.{module}" if base else module
    return base


@dataclass
class ProjectIndex:
    modules: dict[str, str] = field(default_factory=dict)  # dotted module name → path
    exports: dict[str, dict[str, Export]] = field(default_factory=dict)  # path → name → export
    callers: dict[str, list[CallerFacts]] = field(default_factory=dict)  # function name → calls to it
    output_names: set[str] = field(default_factory=set)  # functions that return model output

    def add(self, summary: ModuleSummary) -> None:
        for name in module_names(summary.path):
            self.modules.setdefault(name, summary.path)
        if summary.exports:
            self.exports[summary.path] = summary.exports
            self.output_names |= {n.rpartition(".")[2] for n, e in summary.exports.items() if e.output}
        for name, facts in summary.callers.items():
            self.callers.setdefault(name, []).extend(facts)

    def lookup(self, qualified: str) -> Export | None:
        """The export a qualified name refers to: "app.llm.get_client" → get_client in app/llm.py."""
        parts = qualified.split(".")
        for start in range(len(parts) - 1):  # "khoj.utils.helpers" when the audit starts inside khoj/
            for cut in range(len(parts) - 1, start, -1):
                if cut - start < 2 and start > 0:
                    break  # a one-part suffix of a longer name is too vague to match
                path = self.modules.get(".".join(parts[start:cut]))
                if path is None:
                    continue
                exports = self.exports.get(path)
                return exports.get(".".join(parts[cut:])) if exports else None
        return None

    def text(self, qualified: str) -> str | None:
        export = self.lookup(qualified)
        return export.text if export is not None else None

    def for_workers(self) -> ProjectIndex:
        """What a worker needs to resolve imports (not the callers, which only project rules read)."""
        return ProjectIndex(self.modules, self.exports, {}, self.output_names)

    def module_path(self, qualified: str) -> str | None:
        """The file a qualified module name refers to (matching a suffix, as `lookup` does)."""
        parts = qualified.split(".")
        for start in range(len(parts)):
            if len(parts) - start < 2 and start > 0:
                break
            path = self.modules.get(".".join(parts[start:]))
            if path is not None:
                return path
        return None
