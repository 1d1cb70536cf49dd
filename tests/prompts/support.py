"""Answers in sequence for the fake provider: "first wrong, then right" without touching its module.

`FakeProvider` looks an answer up with `answers.get(model, default)`; `SequencedAnswers`
hands out each model's answers in order and then keeps repeating the last one.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any


class SequencedAnswers(dict):
    def __init__(self, **per_model: list[str]) -> None:
        super().__init__()
        self.queues: dict[str, deque[str]] = {model: deque(answers) for model, answers in per_model.items()}

    def get(self, model: str, default: Any = None) -> Any:  # type: ignore[override]
        queue = self.queues.get(model)
        if not queue:
            return default
        return queue.popleft() if len(queue) > 1 else queue[0]


def valid_summary(**overrides: Any) -> str:
    """An answer that satisfies executive-summary's output schema."""
    value = {
        "headline": "Checkout latency doubled after the model switch; roll back the prompt change this week.",
        "status": "at_risk",
        "key_points": ["p95 rose from 2.1 s to 4.3 s", "cost per request fell 40%"],
        "impact": "Slower checkout for one order in twenty.",
        "risks": [{"risk": "SLA breach", "likelihood": "medium", "impact": "high", "mitigation": "roll back"}],
        "decisions": [{"decision": "roll back", "options": ["roll back", "keep"], "recommendation": "roll back"}],
        "next_steps": [{"action": "roll back the prompt", "owner": "platform team"}],
    }
    value.update(overrides)
    return json.dumps(value)


def valid_insights() -> str:
    """An answer that satisfies performance-insights' output schema."""
    return json.dumps(
        {
            "summary": "Tail latency is over target while errors are fine.",
            "health": "degraded",
            "insights": [
                {"title": "p95 over SLO", "metric": "p95_ms", "observation": "4300 ms vs 2000 ms", "impact": "high"}
            ],
            "bottlenecks": [
                {
                    "component": "context builder",
                    "symptom": "p95 4.3 s",
                    "likely_cause": "4k-token retrieval on every request",
                    "confidence": 0.7,
                }
            ],
            "anomalies": [],
            "recommendations": [
                {"action": "cache retrieval", "expected_effect": "p95 -40%", "effort": "M", "priority": 1}
            ],
            "data_gaps": ["per-model latency"],
        }
    )


def valid_bottleneck() -> str:
    """An answer that satisfies bottleneck-explainer's output schema."""
    return json.dumps(
        {
            "headline": "One checkout in twenty waits over four seconds.",
            "plain_explanation": "Every request re-reads the whole manual before answering.",
            "business_impact": {
                "customers": "slow pages",
                "revenue": "abandoned carts",
                "operations": "more tickets",
                "risk": "SLA breach",
            },
            "urgency": "this_quarter",
            "options": [{"option": "cache", "cost": "2 weeks", "benefit": "p95 -40%", "time_to_value": "1 month"}],
            "questions_to_ask": ["What does a second of latency cost us?"],
        }
    )
