"""The rule registry: one line per rule module. Adding a rule = one file + one line here."""

from __future__ import annotations

import importlib
from functools import cache

from ...errors import InvalidInput
from ..rule import Rule

RULE_MODULES: tuple[str, ...] = (
    "llm101_no_timeout",
    "llm102_no_retry",
    "llm103_no_fallback",
    "llm104_unhandled_api_error",
    "llm105_unbounded_concurrency",
    "llm106_no_circuit_breaker",
    "llm107_stream_unguarded",
    "llm108_retired_model",
    "llm201_hardcoded_key",
    "llm202_prompt_injection",
    "llm203_output_executed",
    "llm204_pii_to_prompt",
    "llm205_secret_logged",
    "llm301_unbounded_output",
    "llm302_unbounded_history",
    "llm303_no_prompt_cache",
    "llm304_parameter_mismatch",
    "llm401_no_usage_tracking",
    "llm402_unlogged_call",
    "llm501_unvalidated_json",
    "llm502_truncation_ignored",
    "llm503_blocking_in_async",
    "llm504_client_per_call",
)


@cache
def rules_by_id() -> dict[str, type[Rule]]:
    """Every rule, by id, in id order (imported on first use: workers import them once)."""
    found: dict[str, type[Rule]] = {}
    for name in RULE_MODULES:
        rule = importlib.import_module(f"{__name__}.{name}").RULE
        found[rule.id] = rule
    return dict(sorted(found.items()))


def select_rules(select: list[str], ignore: list[str]) -> list[str]:
    """Rule ids after `select` (ids or prefixes; empty = all) and `ignore`."""
    known = list(rules_by_id())
    for token in [*select, *ignore]:
        if not any(rule.startswith(token.upper()) for rule in known):
            raise InvalidInput(f"unknown rule {token!r}; run `llmwright audit --list-rules` to see them")
    chosen = [r for r in known if not select or any(r.startswith(s.upper()) for s in select)]
    return [r for r in chosen if not any(r.startswith(i.upper()) for i in ignore)]
