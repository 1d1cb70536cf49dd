"""`run_prompt`: render a template, call the gateway, validate the answer, retry once with the errors.

The caller always gets a `PromptRunResult` back for anything the environment causes (gateway
off, no provider reachable, an answer that will not validate); only its own mistakes
(unknown or missing variables, a bad model reference) raise `InvalidInput`.

Caching happens here, not in the gateway: a run's *validated* result is stored under the
template's TTL in the gateway's cache backend, so an answer that failed its schema is
never replayed from the cache. The gateway's own cache is bypassed for these calls.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from llmwright.errors import InvalidInput
from llmwright.gateway import CallRequest, CallResult, Gateway, LLMError, Usage

from .library import PromptLibrary, load_library
from .output import check_output, correction_message
from .render import RenderedPrompt, render
from .result import PromptCall, PromptRunResult, Status, add_cost, add_usage
from .settings import PromptSettings, choose_chain
from .template import PromptTemplate

CACHE_VERSION = 1
DISABLED_REASON = "the gateway is disabled (LLMWRIGHT_ENABLED=0 or [gateway] enabled = false); no call was made"


def resolve_template(template: PromptTemplate | str, library: PromptLibrary | None = None) -> PromptTemplate:
    if isinstance(template, PromptTemplate):
        return template
    return (library or load_library()).get(template)


def build_request(
    template: PromptTemplate, rendered: RenderedPrompt, max_tokens: int | None = None, temperature: float | None = None
) -> CallRequest:
    schema = template.output_schema
    return CallRequest(
        messages=rendered.messages(),
        system=rendered.system,
        max_tokens=max_tokens,
        temperature=temperature,
        response_format={"type": "json_schema", "json_schema": {"name": _schema_name(template.name), "schema": schema}}
        if schema
        else None,
        cache_ttl_s=0,  # the validated run is cached below instead
    )


class _Plan:
    """Everything a run decides before its first call: template, request, chain, cache entry."""

    def __init__(
        self,
        gateway: Gateway,
        template: PromptTemplate,
        variables: Mapping[str, Any],
        model: str | None,
        fallback: Sequence[str],
        route: str | None,
        settings: PromptSettings | None,
        use_cache: bool,
        max_tokens: int | None,
        temperature: float | None,
    ) -> None:
        self.gateway = gateway
        self.template = template
        self.request = build_request(template, render(template, variables), max_tokens, temperature)
        self.enabled = gateway.config.gateway.enabled
        self.started = time.monotonic()
        if not self.enabled:
            return
        self.model, self.fallback, self.route = choose_chain(
            template.name, model, fallback, route, settings or PromptSettings()
        )
        route_name, refs = gateway.resolve_chain(self.model, self.fallback, self.route)
        for ref in refs:
            gateway.target(ref)  # a malformed reference is the caller's error, raised now
        self.key, self.ttl = None, self._ttl(route_name)
        if use_cache and gateway.cache is not None and self.ttl > 0 and gateway.config.gateway.redact != "reversible":
            self.key = _cache_key(template, refs, self.request)

    def _ttl(self, route: str | None) -> float:
        if self.template.cache_ttl_s is not None:
            return self.template.cache_ttl_s
        routes = self.gateway.config.routes
        if route and routes[route].cache_ttl_s is not None:
            return routes[route].cache_ttl_s or 0.0
        return self.gateway.config.cache.ttl_s

    async def cached(self) -> PromptRunResult | None:
        if self.key is None or self.gateway.cache is None:
            return None
        raw = await self.gateway.cache.get(self.key)
        if raw is None:
            return None
        stored = PromptRunResult.model_validate_json(raw)
        return stored.model_copy(update={"cached": True, "cost_usd": 0.0, "calls": [], "latency_ms": self.elapsed()})

    async def store(self, result: PromptRunResult) -> None:
        if self.key is not None and self.gateway.cache is not None and result.ok:
            await self.gateway.cache.set(self.key, result.model_dump_json(), self.ttl)

    def elapsed(self) -> float:
        return round((time.monotonic() - self.started) * 1000, 1)

    async def call(self, request: CallRequest) -> CallResult:
        return await self.gateway.complete(request, self.model, fallback=self.fallback, route=self.route)

    def stream(self) -> AsyncIterator[str | CallResult]:
        return self.gateway.stream(self.request, self.model, fallback=self.fallback, route=self.route)

    def disabled(self) -> PromptRunResult:
        return PromptRunResult(template=self.template.name, status="disabled", reason=DISABLED_REASON)

    def unavailable(self, exc: LLMError, calls: list[PromptCall]) -> PromptRunResult:
        result = self.finish("unavailable", calls, reason=str(exc))
        return result.model_copy(update={"error": type(exc).__name__, "attempts": list(exc.attempts)})

    def finish(
        self, status: Status, calls: list[PromptCall], reason: str | None = None, output: Any = None
    ) -> PromptRunResult:
        usage = Usage()
        for call in calls:
            usage = add_usage(usage, call.usage)
        last = calls[-1] if calls else None
        return PromptRunResult(
            template=self.template.name,
            status=status,
            reason=reason,
            text=last.text if last else "",
            output=output,
            provider=last.provider if last else None,
            model=last.model if last else None,
            usage=usage,
            cost_usd=add_cost([c.cost_usd for c in calls]) if calls else None,
            latency_ms=self.elapsed(),
            calls=calls,
        )


def _call_record(result: CallResult, errors: list[str]) -> PromptCall:
    return PromptCall(
        text=result.text,
        provider=result.provider,
        model=result.model,
        usage=result.usage,
        cost_usd=result.cost_usd,
        latency_ms=result.latency_ms,
        attempts=result.attempts,
        validation_errors=errors,
    )


async def run_prompt(
    gateway: Gateway,
    template: PromptTemplate | str,
    variables: Mapping[str, Any] | None = None,
    *,
    model: str | None = None,
    fallback: Sequence[str] = (),
    route: str | None = None,
    settings: PromptSettings | None = None,
    library: PromptLibrary | None = None,
    use_cache: bool = True,
    max_tokens: int | None = None,
    temperature: float | None = None,
) -> PromptRunResult:
    """Render, call, validate; on a schema failure one corrective retry, then a typed verdict."""
    plan = _Plan(
        gateway,
        resolve_template(template, library),
        variables or {},
        model,
        fallback,
        route,
        settings,
        use_cache,
        max_tokens,
        temperature,
    )
    if not plan.enabled:
        return plan.disabled()
    hit = await plan.cached()
    if hit is not None:
        return hit
    calls: list[PromptCall] = []
    schema = plan.template.output_schema
    request = plan.request
    try:
        for attempt in (1, 2):
            answer = await plan.call(request)
            if answer.disabled:
                return plan.disabled()
            if schema is None:
                calls.append(_call_record(answer, []))
                result = plan.finish("ok", calls, output=answer.text)
                break
            check = check_output(answer.text, schema)
            calls.append(_call_record(answer, check.errors))
            if check.ok:
                result = plan.finish("ok", calls, output=check.value)
                break
            if attempt == 2:
                first, second = calls[0].validation_errors[0], check.errors[0]
                reason = f"the answer failed the output schema twice (first: {first}; after the retry: {second})"
                return plan.finish("invalid_output", calls, reason=reason)
            request = request.model_copy(
                update={
                    "messages": [
                        *request.messages,
                        {"role": "assistant", "content": answer.text},
                        {"role": "user", "content": correction_message(check.errors)},
                    ]
                }
            )
    except LLMError as exc:
        return plan.unavailable(exc, calls)
    await plan.store(result)
    return result


async def stream_prompt(
    gateway: Gateway,
    template: PromptTemplate | str,
    variables: Mapping[str, Any] | None = None,
    *,
    model: str | None = None,
    fallback: Sequence[str] = (),
    route: str | None = None,
    settings: PromptSettings | None = None,
    library: PromptLibrary | None = None,
    use_cache: bool = True,
    max_tokens: int | None = None,
    temperature: float | None = None,
) -> AsyncIterator[str | PromptRunResult]:
    """Text deltas as they arrive, then the `PromptRunResult`; only for templates without a schema."""
    resolved = resolve_template(template, library)
    if resolved.output_schema is not None:
        raise InvalidInput(
            f"template {resolved.name} answers in JSON that is validated as a whole, so it cannot stream; "
            "run it without --stream"
        )
    plan = _Plan(
        gateway, resolved, variables or {}, model, fallback, route, settings, use_cache, max_tokens, temperature
    )
    if not plan.enabled:
        yield plan.disabled()
        return
    hit = await plan.cached()
    if hit is not None:
        yield hit.text
        yield hit
        return
    answer: CallResult | None = None
    try:
        async for item in plan.stream():
            if isinstance(item, CallResult):
                answer = item
            else:
                yield item
    except LLMError as exc:
        yield plan.unavailable(exc, [])
        return
    if answer is None or answer.disabled:
        yield plan.disabled()
        return
    result = plan.finish("ok", [_call_record(answer, [])], output=answer.text)
    await plan.store(result)
    yield result


def _cache_key(template: PromptTemplate, refs: list[str], request: CallRequest) -> str:
    canonical = json.dumps(
        {"v": CACHE_VERSION, "template": template.name, "chain": refs, "request": request.cache_params()},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return "llmwright:prompt:" + hashlib.sha256(canonical.encode()).hexdigest()


def _schema_name(name: str) -> str:
    """OpenAI's json_schema name allows letters, digits, _ and - (max 64)."""
    return name.replace(".", "_")[:64]
