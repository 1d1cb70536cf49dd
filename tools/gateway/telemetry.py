"""OpenTelemetry GenAI spans for every call and attempt, when `opentelemetry-api` is installed.

The ledger is llmwright's own record; spans put the same facts into whatever tracing the
application already runs (Jaeger, Honeycomb, Datadog, …) under the GenAI semantic
conventions: one `llmwright.call` span per gateway call with one `chat {model}` child per
attempt. Spans are built when the call ends, from the attempts list (which holds exact
start times and latencies), so tracing never changes how a call runs. Without an SDK
configured, or without the package, this costs one check per call. No prompt text and no
key ever goes into a span.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

from llmwright import __version__

from .models import Attempt, CallRequest, CallResult

# Our provider names → the conventions' gen_ai.provider.name values where they differ.
PROVIDER_NAMES = {"azure": "azure.ai.openai", "mistral": "mistral_ai", "gemini": "gcp.gemini", "xai": "x_ai"}


def enabled() -> bool:
    """True when an SDK tracer provider is installed (the API alone records nothing).

    An application that configured one has imported `opentelemetry.trace` already, so this never
    imports it: importing the gateway stays as fast with `opentelemetry-api` installed as without.
    """
    trace = sys.modules.get("opentelemetry.trace")
    return trace is not None and not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def emit(
    started: float,
    route: str | None,
    attempts: Sequence[Attempt],
    request: CallRequest | None,
    result: CallResult | None = None,
    error: str | None = None,
) -> None:
    """Record one finished call. `started` and attempt start times are `time.monotonic()` values."""
    if not enabled():
        return
    from opentelemetry import trace
    from opentelemetry.trace import SpanKind, Status, StatusCode

    tracer = trace.get_tracer("llmwright.gateway", __version__)
    now_ns, now = time.time_ns(), time.monotonic()

    def wall(moment: float) -> int:
        return now_ns - int((now - moment) * 1e9)

    call = tracer.start_span("llmwright.call", kind=SpanKind.INTERNAL, start_time=wall(started))
    call.set_attributes(_call_attributes(route, attempts, result))
    context = trace.set_span_in_context(call)
    for index, attempt in enumerate(attempts):
        final = result is not None and index == len(attempts) - 1 and attempt.outcome == "ok"
        begun = attempt.started_at if attempt.started_at is not None else now
        span = tracer.start_span(f"chat {attempt.model}", context=context, kind=SpanKind.CLIENT, start_time=wall(begun))
        span.set_attributes(_attempt_attributes(attempt, request, result if final else None))
        if attempt.outcome != "ok":
            span.set_status(Status(StatusCode.ERROR, attempt.error or attempt.outcome))
        span.end(end_time=wall(begun) + int(attempt.latency_ms * 1e6))
    if error is not None:
        call.set_status(Status(StatusCode.ERROR, error))
    call.end(end_time=now_ns)


def _call_attributes(route: str | None, attempts: Sequence[Attempt], result: CallResult | None) -> dict[str, Any]:
    attributes: dict[str, Any] = {"gen_ai.operation.name": "chat", "llmwright.attempts": len(attempts)}
    if route:
        attributes["llmwright.route"] = route
    if result is not None:
        attributes.update(_usage(result))
        attributes["llmwright.cached"] = result.cached
        attributes["llmwright.link"] = result.link
        if result.cost_usd is not None:
            attributes["llmwright.cost_usd"] = result.cost_usd
    elif attempts:
        attributes["error.type"] = attempts[-1].error or "error"
    return attributes


def _attempt_attributes(attempt: Attempt, request: CallRequest | None, result: CallResult | None) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": PROVIDER_NAMES.get(attempt.provider, attempt.provider),
        "gen_ai.request.model": attempt.model,
        "llmwright.outcome": attempt.outcome,
    }
    if request is not None:
        if request.max_tokens is not None:
            attributes["gen_ai.request.max_tokens"] = request.max_tokens
        if request.temperature is not None:
            attributes["gen_ai.request.temperature"] = request.temperature
    if attempt.error:
        attributes["error.type"] = attempt.error
    if result is not None:
        attributes["gen_ai.response.model"] = result.model
        attributes.update(_usage(result))
        if result.finish_reason:
            attributes["gen_ai.response.finish_reasons"] = [result.finish_reason]
    return attributes


def _usage(result: CallResult) -> dict[str, int]:
    usage = result.usage
    attributes = {
        "gen_ai.usage.input_tokens": usage.input_tokens,
        "gen_ai.usage.output_tokens": usage.output_tokens,
    }
    if usage.cache_read_tokens:
        attributes["gen_ai.usage.cache_read.input_tokens"] = usage.cache_read_tokens
    if usage.cache_write_tokens:
        attributes["gen_ai.usage.cache_creation.input_tokens"] = usage.cache_write_tokens
    if usage.reasoning_tokens:
        attributes["gen_ai.usage.reasoning.output_tokens"] = usage.reasoning_tokens
    return attributes
