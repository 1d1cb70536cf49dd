"""Model selection: hard constraints first, then a ranked, justified primary and fallback chain."""

from .recommend import Choice, Recommendation, Rejected, recommend
from .requirements import TASK_KINDS, Requirements

__all__ = ["TASK_KINDS", "Choice", "Recommendation", "Rejected", "Requirements", "recommend"]
