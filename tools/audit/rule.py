"""The rule base class. A rule is one module in `rules/` holding one subclass and its docs.

The subclass docstring is the rule's documentation, in ruff's four parts: *What it does*,
*Why is this bad?*, *Example*, *Use instead*. `llmwright audit --explain ID` prints it.
Module rules (`scope = "module"`) see one `ModuleModel` (in a worker process, right after the
file is parsed). The others see the merged `ProjectFacts` once every file is known: every call
site and client with its options, the index of who calls whom, the "anywhere in the repo?"
flags. A `calls` rule judges each call site with those facts (its callers in other modules, the
factory that built its client); a `project` rule gives one finding for the whole project (no
fallback anywhere). A rule may check modules and call sites both (`scope = "both"`).
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .facts import ProjectFacts
    from .model import Category, RuleInfo, Severity
    from .module import ModuleModel
    from .records import Location


@dataclass
class Hit:
    node: ast.AST
    message: str
    unverified: bool = False  # the audit could not see whether the option reaches the call
    resolution: str = ""  # how the call site was recognised


@dataclass
class ProjectHit:
    where: Location
    message: str
    unverified: bool = False
    resolution: str = ""
    suppressed: frozenset[str] = frozenset()  # rules silenced on that line


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    title: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    fix: ClassVar[str]
    scope: ClassVar[str] = "module"  # module, calls, both (module and calls) or project

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        return iter(())

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        return iter(())

    @classmethod
    def info(cls) -> RuleInfo:
        from .model import RuleInfo

        return RuleInfo(
            id=cls.id,
            name=cls.name,
            title=cls.title,
            category=cls.category,
            severity=cls.severity,
            scope=cls.scope,  # type: ignore[arg-type]
            fix=cls.fix,
            doc=inspect.cleandoc(cls.__doc__ or ""),
        )
