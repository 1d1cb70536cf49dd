"""Settle the choice on your own data: run eval cases on candidate models through the gateway.

Kept out of `llmwright.select`'s imports: the gateway pulls in the provider SDKs, and
`recommend()` must stay fast for callers that never evaluate.
"""

from .cases import EvalCase, inline_cases, load_cases
from .checks import CHECKS
from .plan import EvalPlan, PlannedModel, plan_eval
from .report import CandidateScore, CaseResult, EvalReport, Gate, dry_run_report
from .settle import DEFAULT_CONCURRENCY, DEFAULT_TARGET, evaluate_models

__all__ = [
    "CHECKS",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_TARGET",
    "CandidateScore",
    "CaseResult",
    "EvalCase",
    "EvalPlan",
    "EvalReport",
    "Gate",
    "PlannedModel",
    "dry_run_report",
    "evaluate_models",
    "inline_cases",
    "load_cases",
    "plan_eval",
]
