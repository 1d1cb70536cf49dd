"""The rule base class. A rule is one module in `rules/` holding one subclass and its docs.

The subclass docstring is the rule's documentation, in ruff's four parts: *What it does*,
*Why is this bad?*, *Example*, *Use instead*. `llmwright audit --explain ID` prints it.
Module rules see one `ModuleModel`; project rules see the merged `ProjectFacts` after
every file has been analysed (they answer "does this exist anywhere?").
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from .model import Category, RuleInfo, Severity

if TYPE_CHECKING:
    from .facts import CallSite, ProjectFacts
    from .module import ModuleModel


@dataclass
class Hit:
    node: ast.AST
    message: str


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    title: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    fix: ClassVar[str]
    scope: ClassVar[str] = "module"

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        return iter(())

    def check_project(self, facts: ProjectFacts) -> Iterator[tuple[CallSite, str]]:
        return iter(())

    @classmethod
    def info(cls) -> RuleInfo:
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
