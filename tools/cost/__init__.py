"""Cost per call, per day and per month, and cheaper alternatives."""

from .alternatives import Alternative, cheaper_alternatives
from .estimate import DAYS_PER_MONTH, CostEstimate, Workload, estimate_cost

__all__ = ["DAYS_PER_MONTH", "Alternative", "CostEstimate", "Workload", "cheaper_alternatives", "estimate_cost"]
