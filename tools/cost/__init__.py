"""Cost per call, per day and per month, cheaper alternatives (tier-checked), and what real usage cost."""

from .alternatives import Alternative, CheaperModels, cheaper_alternatives
from .estimate import DAYS_PER_MONTH, CostEstimate, Workload, estimate_cost
from .money import format_usd
from .rates import TokenRates, token_rates
from .usage import cost_of_usage

__all__ = [
    "DAYS_PER_MONTH",
    "Alternative",
    "CheaperModels",
    "CostEstimate",
    "TokenRates",
    "Workload",
    "cheaper_alternatives",
    "cost_of_usage",
    "estimate_cost",
    "format_usd",
    "token_rates",
]
