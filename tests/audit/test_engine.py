"""The audit engine end to end on small projects: filters, severities, baselines and the report's counts."""

from __future__ import annotations
