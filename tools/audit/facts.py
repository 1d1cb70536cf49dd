"""Project-wide facts: what each module contributes to rules that ask "anywhere in the repo?".

Small and picklable, so worker processes return them instead of their syntax trees.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .libraries import BREAKER_MODULES
from .module import ModuleModel

USAGE_ATTRS = frozenset({"usage", "usage_metadata", "prompt_eval_count", "eval_count", "token_usage"})
OBSERVABILITY_MODULES = ("langfuse", "langsmith", "helicone", "opentelemetry", "openlit", "openllmetry", "traceloop")
FALLBACK_MARKERS = frozenset({"with_fallbacks", "fallbacks", "FallbackModel", "Router", "context_window_fallbacks"})


@dataclass
class CallSite:
    path: str
    line: int
    column: int
    end_line: int
    snippet: str
    provider: str | None
    in_route: bool


@dataclass
class ProjectFacts:
    calls: list[CallSite] = field(default_factory=list)
    providers: set[str] = field(default_factory=set)
    has_fallback: bool = False
    has_breaker: bool = False
    reads_usage: bool = False

    def merge(self, other: ProjectFacts) -> None:
        self.calls.extend(other.calls)
        self.providers |= other.providers
        self.has_fallback |= other.has_fallback
        self.has_breaker |= other.has_breaker
        self.reads_usage |= other.reads_usage


def module_facts(mod: ModuleModel) -> ProjectFacts:
    facts = ProjectFacts()
    generation = [c for c in mod.calls if c.kind != "embed"]
    for call in generation:
        node = call.node
        func = mod.enclosing_function(node)
        facts.calls.append(
            CallSite(
                mod.path,
                node.lineno,
                node.col_offset + 1,
                node.end_lineno or node.lineno,
                mod.snippet(node.lineno),
                call.provider,
                mod.is_route_handler(func),
            )
        )
        if call.provider:
            facts.providers.add(call.provider)
    facts.has_breaker = mod.imported(*BREAKER_MODULES)
    facts.reads_usage = mod.imported(*OBSERVABILITY_MODULES) or mod.imported("llmwright.gateway", "llmwright")
    facts.has_fallback = mod.imported("llmwright.gateway", "llmwright", "pydantic_ai.models.fallback")
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Attribute):
            if node.attr in USAGE_ATTRS:
                facts.reads_usage = True
            if node.attr in FALLBACK_MARKERS:
                facts.has_fallback = True
        elif isinstance(node, ast.keyword) and node.arg in FALLBACK_MARKERS:
            facts.has_fallback = True
        elif isinstance(node, ast.Constant) and node.value in ("usage", "usage_metadata"):
            facts.reads_usage = True
        elif isinstance(node, ast.Name) and node.id in ("get_openai_callback", "Router", "FallbackModel"):
            facts.has_fallback |= node.id != "get_openai_callback"
            facts.reads_usage |= node.id == "get_openai_callback"
    # A call in an `except` that calls another model is a hand-written fallback.
    for call in generation:
        for parent in mod.ancestors(call.node):
            if isinstance(parent, ast.ExceptHandler):
                facts.has_fallback = True
                break
    return facts
