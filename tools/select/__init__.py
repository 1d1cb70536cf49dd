"""Model selection: hard constraints first, then a ranked, justified primary and fallback chain."""

from .binding import Binding
from .compare import Comparison, compare
from .measured import Measured, configured_ledger, load_measured
from .recommend import Choice, Recommendation, Rejected, StepDown, configured_local_providers, recommend
from .report import eval_markdown, eval_marks, format_ms, p95_label, plan_markdown, recommendation_markdown
from .requirements import TASK_KINDS, Requirements, TaskKind

__all__ = [
    "TASK_KINDS",
    "Binding",
    "Choice",
    "Comparison",
    "Measured",
    "Recommendation",
    "Rejected",
    "Requirements",
    "StepDown",
    "TaskKind",
    "compare",
    "configured_ledger",
    "configured_local_providers",
    "eval_markdown",
    "eval_marks",
    "format_ms",
    "load_measured",
    "p95_label",
    "plan_markdown",
    "recommend",
    "recommendation_markdown",
]
