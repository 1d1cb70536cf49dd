"""Project-wide facts: what the project rules see once every file has been analysed.

Per file, `file_facts` answers the "anywhere in the repo?" questions (a fallback, a
circuit breaker, token usage read). The engine merges them with every call site and
client record and the project index into one `ProjectFacts`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .index import ProjectIndex
from .libraries import BREAKER_MODULES, OBSERVABILITY_MODULES
from .module import ModuleModel
from .named_models import model_literals
from .records import ClientRecord, FileFacts, Location, SiteRecord
from .storage import executed_reads, stored_output

USAGE_ATTRS = frozenset(
    {"usage", "usage_metadata", "prompt_eval_count", "eval_count", "token_usage", "input_tokens", "prompt_tokens"}
)
FALLBACK_MARKERS = frozenset({"with_fallbacks", "fallbacks", "FallbackModel", "Router", "context_window_fallbacks"})


@dataclass
class ProjectFacts:
    sites: list[SiteRecord] = field(default_factory=list)
    clients: list[ClientRecord] = field(default_factory=list)
    providers: set[str] = field(default_factory=set)
    has_fallback: bool = False
    has_breaker: bool = False
    reads_usage: bool = False
    traced: bool = False
    stores_output: set[str] = field(default_factory=set)  # files that store model output
    executed_reads: list[Location] = field(default_factory=list)
    models: list[tuple[Location, str, str | None, frozenset[str]]] = field(default_factory=list)
    index: ProjectIndex = field(default_factory=ProjectIndex)

    def merge(self, path: str, facts: FileFacts) -> None:
        if facts.stores_output:
            self.stores_output.add(path)
        self.executed_reads.extend(facts.executed_reads)
        self.models.extend(facts.models)
        self.providers |= facts.providers
        self.has_fallback |= facts.has_fallback
        self.has_breaker |= facts.has_breaker
        self.reads_usage |= facts.reads_usage
        self.traced |= facts.traced

    @property
    def calls(self) -> list[SiteRecord]:
        """Call sites that generate text (the ones fallback and usage questions are about)."""
        return [s for s in self.sites if s.kind in ("chat", "stream", "http")]


def file_facts(mod: ModuleModel) -> FileFacts:
    facts = FileFacts()
    for call in mod.calls:
        if call.provider and call.kind in ("chat", "stream", "http"):
            facts.providers.add(call.provider)
    facts.has_breaker = mod.imported(*BREAKER_MODULES)
    facts.traced = mod.imported(*OBSERVABILITY_MODULES)
    facts.stores_output = stored_output(mod)
    facts.executed_reads = [Location.of(mod, n) for n in executed_reads(mod)]
    from .context import _suppressed_rules

    facts.models = [
        (Location.of(mod, node), text, provider, _suppressed_rules(mod, node.lineno))
        for node, text, provider in model_literals(mod)
    ]
    facts.reads_usage = (
        mod.imported(*OBSERVABILITY_MODULES)
        or mod.imported("llmwright.gateway", "llmwright")
        or bool(mod.attributes & USAGE_ATTRS)
        or bool({"usage", "usage_metadata", "prompt_tokens", "input_tokens"} & mod.strings)
        or "get_openai_callback" in mod.imports
    )
    facts.has_fallback = (
        mod.imported("llmwright.gateway", "llmwright", "pydantic_ai.models.fallback")
        or bool(mod.attributes & FALLBACK_MARKERS)
        or any(name in mod.imports for name in ("Router", "FallbackModel"))
    )
    if not facts.has_fallback:
        for call in mod.all_calls:
            if any(k.arg in FALLBACK_MARKERS for k in call.keywords):
                facts.has_fallback = True
                break
    if not facts.has_fallback:
        # A model call inside an `except` block is a hand-written fallback.
        generation = [c for c in mod.calls if c.kind in ("chat", "stream", "http")]
        for call in generation:
            if any(isinstance(p, ast.ExceptHandler) for p in mod.ancestors(call.node)):
                facts.has_fallback = True
                break
    return facts
