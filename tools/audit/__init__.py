"""The production-readiness audit: static analysis of code that calls LLMs.

`audit(AuditRequest(path=...))` walks a tree, models each module's LLM client usage from
its AST (never importing it), runs the rules in `rules/` and returns an `AuditReport`.
"""

from .engine import AuditRequest, audit, fails
from .formats import FORMATS, render
from .model import SEVERITIES, AuditReport, Finding, RuleInfo
from .rules import rules_by_id


def rule_catalog() -> list[RuleInfo]:
    return [rule.info() for rule in rules_by_id().values()]


__all__ = [
    "FORMATS",
    "SEVERITIES",
    "AuditReport",
    "AuditRequest",
    "Finding",
    "RuleInfo",
    "audit",
    "fails",
    "render",
    "rule_catalog",
]
