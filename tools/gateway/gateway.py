"""`Gateway`: one call, many providers, with fallback that never loses a request.

A call walks its chain of model references. Each link is a provider behind its guards
(`link.py`); a retryable failure moves to the next link once the provider's retries are
spent, a terminal one stops the chain (a context-length error instead moves to a link
whose window fits). Around the chain sit the feature flag, redaction, the cache, budgets
and the ledger. The result, or the one typed error, lists every attempt.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from llmwright.config import Config, load_config
from llmwright.cost import cost_of_usage
from llmwright.errors import InvalidInput

from . import budget, preflight, telemetry
from .breaker import Breaker
from .cache import Cache, build_cache, cache_key
from .errors import (
    AllProvidersFailed,
    BudgetExceeded,
    ContextTooLong,
    LLMError,
    RetryableError,
    StreamInterrupted,
    TerminalError,
)
from .ledger import Ledger
from .limiter import Limiter
from .link import Link
from .models import Attempt, CallRequest, CallResult, Reply
from .providers import build_provider, canonical_provider
from .redact import Redactor
from .retry import RetryPolicy
from .status import ProviderStatus, provider_status
from .targets import Target, estimate_input_tokens, lookup, output_estimate

logger = logging.getLogger("llmwright.gateway")
_DEFAULT: Any = object()


@dataclass
class _Call:
    """One call's bookkeeping from its start to its ledger row."""

    started: float
    call_id: str
    attempts: list[Attempt]
    deadline: float
    sent: CallRequest
    redactor: Redactor | None
    ttl: float
    key: str | None


class Gateway:
    def __init__(
        self, config: Config | None = None, *, cache: Cache | None = _DEFAULT, ledger: Ledger | None = _DEFAULT
    ) -> None:
        self.config = config or load_config()
        self.cache = build_cache(self.config.cache) if cache is _DEFAULT else cache
        if ledger is _DEFAULT:
            ledger_file = self.config.gateway.ledger_file()
            ledger = Ledger(ledger_file) if ledger_file else None
        self.ledger = ledger
        self.links: dict[str, Link] = {}
        self._targets: dict[str, Target] = {}

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for link in self.links.values():
            await link.provider.aclose()
        if self.cache is not None:
            await self.cache.aclose()
        if self.ledger is not None:
            self.ledger.close()

    # -- chain and links -------------------------------------------------------------------

    def resolve_chain(
        self, model: str | None = None, fallback: Sequence[str] = (), route: str | None = None
    ) -> tuple[str | None, list[str]]:
        """(route name, model references): a named route, or a model plus its fallbacks."""
        if route is None and model is not None and ":" not in model and model in self.config.routes:
            route, model = model, None
        if route is not None:
            if route not in self.config.routes:
                known = ", ".join(self.config.routes) or "none configured"
                raise InvalidInput(f"unknown route {route!r} (routes: {known})")
            return route, [*self.config.routes[route].chain, *([model] if model else []), *fallback]
        if model is None:
            raise InvalidInput("give a model (provider:model) or a route")
        return None, [model, *fallback]

    def link(self, provider: str) -> Link:
        if provider not in self.links:
            options = self.config.providers.get(provider)
            g = self.config.gateway
            built = build_provider(provider, self.config)
            o = built.settings.options if options is None else options
            policy = RetryPolicy(o.max_retries, g.backoff_base_s, g.backoff_max_s, g.retry_after_max_s)
            self.links[provider] = Link(
                built,
                policy,
                Limiter(o.rpm, o.tpm, o.max_concurrency),
                Breaker(provider, o.fail_max, o.reset_timeout_s),
            )
        return self.links[provider]

    def target(self, ref: str) -> Target:
        if ref not in self._targets:
            provider_raw, _, model = ref.partition(":")
            if not model:
                raise InvalidInput(f"model reference {ref!r} must look like provider:model, e.g. openai:gpt-4o-mini")
            provider = canonical_provider(provider_raw, self.config)
            target = Target(ref=ref, provider=provider, model=model, info=lookup(ref, provider))
            preflight.check_model(target, self.config)  # before the wire's SDK is even imported
            self.link(provider)
            self._targets[ref] = target
        return self._targets[ref]

    def _caps(self, target: Target, route: str | None) -> list[budget.Cap]:
        caps = []
        if route and route in self.config.routes:
            r = self.config.routes[route]
            if r.daily_usd is not None or r.daily_tokens is not None:
                caps.append(budget.Cap(f"route:{route}", r.daily_usd, r.daily_tokens))
        o = target.options(self.config)
        if o.daily_usd is not None or o.daily_tokens is not None:
            caps.append(budget.Cap(f"provider:{target.provider}", o.daily_usd, o.daily_tokens))
        return caps

    def _admit(
        self, target: Target, request: CallRequest, route: str | None, attempts: list[Attempt]
    ) -> tuple[int, list[str]]:
        """Estimated prompt tokens (0 when nothing needs them) and budget warnings; raises BudgetExceeded."""
        caps = self._caps(target, route)
        needs_tokens = caps or self.links[target.provider].limiter.needs_tokens
        tokens = estimate_input_tokens(request, target.info) if needs_tokens else 0
        if not caps or self.ledger is None:
            return tokens, []
        output = output_estimate(request, target.info)
        from llmwright.usage import Usage

        usd = cost_of_usage(target.info, Usage(input_tokens=tokens, output_tokens=output))
        try:
            return tokens, budget.check(self.ledger, caps, tokens + output, usd, self.config.gateway.budget_warn_at)
        except BudgetExceeded as exc:
            attempts.append(
                Attempt(
                    provider=target.provider,
                    model=target.model,
                    outcome="skipped",
                    error="BudgetExceeded",
                    message=str(exc),
                )
            )
            raise

    # -- calls -------------------------------------------------------------------------------

    def _prepare(self, request: CallRequest | str, model, fallback, route) -> tuple[CallRequest, str | None, list[str]]:
        if isinstance(request, str):
            request = CallRequest.from_prompt(request)
        route_name, refs = self.resolve_chain(model, fallback, route)
        preflight.check_request(request, [self.target(ref) for ref in refs])
        return request, route_name, refs

    def _redactor(self, request: CallRequest) -> tuple[CallRequest, Redactor | None]:
        mode = request.redact or self.config.gateway.redact
        if mode == "off":
            return request, None
        redactor = Redactor()
        sent = request.model_copy(update={"messages": redactor.redact_messages(request.messages)})
        if request.system:
            sent.system = redactor.redact(request.system)
        return sent, (redactor if mode == "reversible" else None)

    def _ttl(self, request: CallRequest, route: str | None) -> float:
        if request.cache_ttl_s is not None:
            return request.cache_ttl_s
        if route and self.config.routes[route].cache_ttl_s is not None:
            return self.config.routes[route].cache_ttl_s or 0.0
        return self.config.cache.ttl_s

    async def _cached(self, key: str | None, started: float) -> CallResult | None:
        if key is None or self.cache is None:
            return None
        raw = await self.cache.get(key)
        if raw is None:
            return None
        result = CallResult.model_validate_json(raw)
        return result.model_copy(
            update={
                "cached": True,
                "cost_usd": 0.0,
                "attempts": [],
                "latency_ms": round((time.monotonic() - started) * 1000, 1),
            }
        )

    def _record(
        self,
        call: _Call,
        route: str | None,
        result: CallResult | None = None,
        error: str | None = None,
        request: CallRequest | None = None,
    ) -> None:
        """The call's ledger row and, when tracing is configured, its OpenTelemetry spans."""
        call_id, attempts = call.call_id, call.attempts
        telemetry.emit(call.started, route, attempts, request, result, error)
        if self.ledger is None:
            return
        prompt = None
        if self.config.gateway.log_prompts and request is not None:
            prompt = "\n".join(str(m.get("content")) for m in request.messages)
        self.ledger.record(call_id, route, attempts, result, error, prompt)

    def _disabled(self, refs: list[str], route: str | None) -> CallResult:
        return CallResult(
            text="",
            provider="",
            model="",
            route=route,
            disabled=True,
            warnings=["gateway disabled (LLMWRIGHT_ENABLED=0 or config)"],
        )

    def _next_link(self, exc: LLMError, target: Target, request: CallRequest, attempts: list[Attempt]) -> int | None:
        """After a link failed: None to move on, or raise when the chain must stop. Returns the window needed."""
        if isinstance(exc, ContextTooLong):
            return estimate_input_tokens(request, target.info) + (request.max_tokens or 0)
        if isinstance(exc, TerminalError):
            exc.attempts = attempts
            raise exc
        return None

    def _fits(self, target: Target, need: int | None, attempts: list[Attempt]) -> bool:
        window = target.info.context_window if target.info else None
        if need is None or window is None or window >= need:
            return True
        message = f"needs ~{need} tokens, window is {window}"
        attempts.append(
            Attempt(
                provider=target.provider, model=target.model, outcome="skipped", error="ContextTooLong", message=message
            )
        )
        return False

    def _result(self, index, target, reply: Reply, redactor, started, attempts, route, warnings) -> CallResult:
        return CallResult(
            text=redactor.restore(reply.text) if redactor else reply.text,
            provider=target.provider,
            model=target.model,
            usage=reply.usage,
            cost_usd=cost_of_usage(target.info, reply.usage),
            latency_ms=round((time.monotonic() - started) * 1000, 1),
            attempts=attempts,
            link=index,
            route=route,
            finish_reason=reply.finish_reason,
            tool_calls=reply.tool_calls,
            warnings=warnings,
        )

    async def _store(
        self, key: str | None, ttl: float, result: CallResult, redactor: Redactor | None, reply: Reply
    ) -> None:
        if key is not None and self.cache is not None and ttl > 0:
            stored = result.model_copy(update={"text": reply.text, "attempts": [], "warnings": []})
            await self.cache.set(key, stored.model_dump_json(), ttl)

    def _failure(self, attempts: list[Attempt], budget_errors: list[BudgetExceeded]) -> LLMError:
        if budget_errors and all(a.error == "BudgetExceeded" for a in attempts):
            return budget_errors[0]
        return AllProvidersFailed(attempts)

    async def _begin(self, request: CallRequest, route: str | None, refs: list[str]) -> tuple[_Call, CallResult | None]:
        """What `complete` and `stream` share before the chain: deadline, redaction, cache look-up.

        A cache hit comes back restored (redaction undone) and already recorded in the ledger.
        """
        started = time.monotonic()
        sent, redactor = self._redactor(request)
        ttl = self._ttl(request, route)
        call = _Call(
            started=started,
            call_id=uuid.uuid4().hex,
            attempts=[],
            deadline=started + (request.deadline_s or self.config.gateway.deadline_s),
            sent=sent,
            redactor=redactor,
            ttl=ttl,
            key=cache_key(refs, sent) if ttl > 0 and self.cache is not None else None,
        )
        hit = await self._cached(call.key, started)
        if hit is not None:
            hit = hit.model_copy(update={"text": redactor.restore(hit.text) if redactor else hit.text, "route": route})
            self._record(call, route, hit, request=request)
        return call, hit

    async def complete(
        self,
        request: CallRequest | str,
        model: str | None = None,
        *,
        fallback: Sequence[str] = (),
        route: str | None = None,
    ) -> CallResult:
        request, route, refs = self._prepare(request, model, fallback, route)
        if not self.config.gateway.enabled:
            return self._disabled(refs, route)
        call, hit = await self._begin(request, route, refs)
        started, attempts, deadline = call.started, call.attempts, call.deadline
        sent, redactor, ttl, key = call.sent, call.redactor, call.ttl, call.key
        if hit is not None:
            return hit
        need: int | None = None
        budget_errors: list[BudgetExceeded] = []
        try:
            for index, ref in enumerate(refs):
                target = self.target(ref)
                if not self._fits(target, need, attempts):
                    continue
                try:
                    tokens, warnings = self._admit(target, sent, route, attempts)
                    reply = await self.links[target.provider].complete(target.model, sent, deadline, attempts, tokens)
                except BudgetExceeded as exc:
                    budget_errors.append(exc)
                    continue
                except (RetryableError, TerminalError) as exc:
                    need = self._next_link(exc, target, sent, attempts) or need
                    continue
                result = self._result(index, target, reply, redactor, started, attempts, route, warnings)
                await self._store(key, ttl, result, redactor, reply)
                self._record(call, route, result, request=request)
                return result
            raise self._failure(attempts, budget_errors)
        except LLMError as exc:
            self._record(call, route, error=type(exc).__name__, request=request)
            raise

    async def stream(
        self,
        request: CallRequest | str,
        model: str | None = None,
        *,
        fallback: Sequence[str] = (),
        route: str | None = None,
    ) -> AsyncIterator[str | CallResult]:
        """Text deltas, then the `CallResult`. Fallback only before the first delta; after it, `StreamInterrupted`."""
        request, route, refs = self._prepare(request, model, fallback, route)
        if not self.config.gateway.enabled:
            yield self._disabled(refs, route)
            return
        call, hit = await self._begin(request, route, refs)
        started, attempts, deadline = call.started, call.attempts, call.deadline
        sent, redactor, ttl, key = call.sent, call.redactor, call.ttl, call.key
        if hit is not None:
            yield hit.text
            yield hit
            return
        need: int | None = None
        budget_errors: list[BudgetExceeded] = []
        try:
            for index, ref in enumerate(refs):
                target = self.target(ref)
                if not self._fits(target, need, attempts):
                    continue
                partial: list[str] = []
                try:
                    tokens, warnings = self._admit(target, sent, route, attempts)
                    async for item in self.links[target.provider].stream(
                        target.model, sent, deadline, attempts, tokens
                    ):
                        if isinstance(item, Reply):
                            reply = item
                        else:
                            partial.append(item)
                            yield redactor.restore(item) if redactor else item
                except BudgetExceeded as exc:
                    budget_errors.append(exc)
                    continue
                except (RetryableError, TerminalError) as exc:
                    if partial:
                        raise StreamInterrupted("".join(partial), exc, attempts) from exc
                    need = self._next_link(exc, target, sent, attempts) or need
                    continue
                result = self._result(index, target, reply, redactor, started, attempts, route, warnings)
                await self._store(key, ttl, result, redactor, reply)
                self._record(call, route, result, request=request)
                yield result
                return
            raise self._failure(attempts, budget_errors)
        except LLMError as exc:
            self._record(call, route, error=type(exc).__name__, request=request)
            raise

    def status(self) -> list[ProviderStatus]:
        """Breaker state, limiter headroom, recent latency and error rate per provider — no secrets."""
        for name in self.config.providers:
            self.link(name)
        return [provider_status(link, self.ledger, self.config) for link in self.links.values()]
