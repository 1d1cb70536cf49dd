"""Model selection: hard constraints first, then a ranked, justified primary and fallback chain."""

from .compare import Comparison, compare
from .measured import Measured, configured_ledger, load_measured
from .recommend import Choice, Recommendation, Rejected, recommend
from .report import eval_markdown, eval_marks, format_ms, p95_label, recommendation_markdown
from .requirements import TASK_KINDS, Requirements, TaskKind

__all__ = [
    "TASK_KINDS",
    "Choice",
    "Comparison",
    "Measured",
    "Recommendation",
    "Rejected",
    "Requirements",
    "TaskKind",
    "compare",
    "configured_ledger",
    "eval_markdown",
    "eval_marks",
    "format_ms",
    "load_measured",
    "p95_label",
    "recommend",
    "recommendation_markdown",
]
