"""`Gateway`: one call, many providers, with fallback that never loses a request.

A call walks its chain of model references. Each link is a provider behind its guards
(`link.py`); a retryable failure moves to the next link once the provider's retries are
spent, a terminal one stops the chain (a context-length error instead moves to a link
whose window fits). Around the chain sit the feature flag, redaction, the cache with
single-flight, budgets and the ledger. The result, or the one typed error, lists every
attempt; every call — answered, failed or cancelled — leaves its ledger row.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

from llmwright.config import Config, load_config
from llmwright.errors import InvalidInput
from llmwright.usage import Usage

from . import preflight, telemetry
from .breaker import Breaker
from .budget import Cap, Hold
from .cache import Cache, SafeCache, build_cache, cache_key
from .errors import (
    AllProvidersFailed,
    BudgetExceeded,
    ContextTooLong,
    LLMError,
    RetryableError,
    StreamInterrupted,
    TerminalError,
    Timeout,
)
from .flight import Flights, Lead
from .ledger import Ledger
from .limiter import Limiter
from .link import Link
from .loops import PerLoop
from .meter import Meter
from .models import Attempt, CallRequest, CallResult, Reply
from .providers import Provider, build_provider, canonical_provider, settings_for, wire
from .redact import Redactor
from .retry import RetryPolicy
from .shared import Shared
from .status import ProviderStatus, provider_status
from .targets import INLINE_CHARS, Target, estimate_input_tokens, prompt_chars, resolve

logger = logging.getLogger("llmwright.gateway")
_DEFAULT: Any = object()


def _load(kinds: list[str]) -> None:
    """Import the wires' SDKs (in a worker thread: seconds of import must not stall the loop)."""
    for kind in kinds:
        wire(kind)


def _clients(providers: list[Provider]) -> list[Any]:
    """New SDK clients (TLS context and all) built in a worker thread; None where one cannot be
    built yet (no key: the call itself then says so)."""
    built = []
    for provider in providers:
        try:
            built.append(None if provider.ready() else provider.new_client())
        except LLMError:
            built.append(None)
    return built


@dataclass
class _Call:
    """One call's bookkeeping from its start to its ledger row."""

    started: float
    call_id: str
    route: str | None
    request: CallRequest  # as the caller gave it
    sent: CallRequest  # as the providers see it (redacted)
    redactor: Redactor | None
    deadline: float
    ttl: float
    key: str | None  # cache and single-flight key; None when the call is not cacheable
    attempts: list[Attempt] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    recorded: bool = False


class Gateway:
    """Calls with fallback. `clock` (monotonic seconds) drives breakers and rate limits: tests pass their own."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        cache: Cache | None = _DEFAULT,
        ledger: Ledger | None = _DEFAULT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or load_config()
        raw = build_cache(self.config.cache) if cache is _DEFAULT else cache
        self.cache: SafeCache | None = SafeCache(raw) if raw is not None else None
        if ledger is _DEFAULT:
            ledger_file = self.config.gateway.ledger_file()
            ledger = Ledger(ledger_file) if ledger_file else None
        self.ledger = ledger
        self.shared = Shared(self.config, ledger, clock)
        self.flights = Flights(self.shared.flights)
        self.links: dict[str, Link] = {}
        self._targets: dict[str, Target] = {}
        self._resolving: PerLoop[asyncio.Lock] = PerLoop(asyncio.Lock)
        self._warming: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Gateway:
        """Start loading what the configured routes need (SDKs, catalog) in the background, so the
        first calls find it loaded; calls that come sooner wait for the same load."""
        refs = [ref for route in self.config.routes.values() for ref in route.chain]
        if refs:
            self._warming = asyncio.get_running_loop().create_task(self._warm(refs))
        return self

    async def _warm(self, refs: list[str]) -> None:
        try:
            await self.targets(refs)
        except Exception as exc:  # a bad route surfaces, with its message, on the call that uses it
            logger.debug("warm-up of the configured routes stopped: %s", exc)

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        warming, self._warming = self._warming, None
        if warming is not None and not warming.done():
            warming.cancel()
        for link in self.links.values():
            await link.provider.aclose()
        if self.cache is not None:
            await self.cache.aclose()
        await self.shared.aclose()
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
                Limiter(provider, self.shared.rates, o.rpm, o.tpm, o.max_concurrency),
                Breaker(provider, self.shared.breakers, o.fail_max, o.reset_timeout_s),
                g.max_wait_share,
            )
        return self.links[provider]

    def target(self, ref: str) -> Target:
        """The reference checked for shape and provider settings — cheap: no SDK is imported, no
        catalog read (`targets` does both, off the event loop)."""
        if ref not in self._targets:
            provider_raw, _, model = ref.partition(":")
            if not model:
                raise InvalidInput(f"model reference {ref!r} must look like provider:model, e.g. openai:gpt-4o-mini")
            provider = canonical_provider(provider_raw, self.config)
            settings_for(provider, self.config)  # a provider table missing its kind or base_url fails here
            self._targets[ref] = Target(ref=ref, provider=provider, model=model)
        return self._targets[ref]

    def checked_target(self, ref: str) -> Target:
        """`target`, its model checked now against the catalog (retired, unknown, not a chat model).
        Reads the catalog on the calling thread: for set-up code that wants a bad name refused before
        any call, not for the call path (`targets` checks there, off the loop)."""
        target = self.target(ref)
        preflight.check_model(target, self.config)
        return target

    async def targets(self, refs: Sequence[str]) -> list[Target]:
        """The chain's targets, their links built and catalog entries looked up — the slow first
        loads (an SDK import takes seconds, the catalog one) in a worker thread, never on the loop.

        This is where a call's models are known before anything is sent: the place for checks
        of a target against the request (a retired model, a window or output cap too small).
        """
        targets = [self.target(ref) for ref in refs]
        if not all(t.resolved for t in targets):
            async with self._resolving.get():
                await resolve(targets)
        for target in targets:
            preflight.check_model(target, self.config)  # before the wire's SDK is even imported
        if not all(self.links.get(t.provider) and self.links[t.provider].provider.ready() for t in targets):
            async with self._resolving.get():
                unbuilt = {t.provider for t in targets if t.provider not in self.links}
                await asyncio.to_thread(_load, [settings_for(p, self.config).kind for p in unbuilt])
                for provider in unbuilt:
                    self.link(provider)
                for target in targets:
                    if self._counts_tokens(target):  # load its tokenizer now, not on a call's clock
                        await target.count_input(CallRequest.from_prompt("warm-up"))
                unready = [self.links[p].provider for p in {t.provider for t in targets}]
                for provider, client in zip(unready, await asyncio.to_thread(_clients, unready), strict=True):
                    if client is not None and not provider.ready():
                        provider.install(client)
                if unbuilt:
                    await self.shared.warm()
        return targets

    def _counts_tokens(self, target: Target) -> bool:
        """Whether calls to `target` count prompt tokens before sending (for a cap or a tpm limit)."""
        routes_capped = any(r.daily_usd is not None or r.daily_tokens is not None for r in self.config.routes.values())
        return bool(routes_capped or self._caps(target, None) or self.links[target.provider].limiter.needs_tokens)

    def _ready_link(self, provider: str) -> bool:
        link = self.links.get(provider)
        return link is not None and link.provider.ready()

    async def _ready(self, call: _Call, refs: Sequence[str]) -> list[Target]:
        """`targets`, within the call's deadline (a first load on a busy machine can take seconds)."""
        try:
            async with asyncio.timeout(call.deadline - time.monotonic()):
                return await self.targets(refs)
        except TimeoutError as exc:
            error = Timeout("deadline reached while loading the provider SDK and the model catalog")
            self._record(call, error=type(error).__name__)
            raise error from exc

    async def _refuse_impossible(self, request: CallRequest, targets: list[Target]) -> None:
        """Pre-flight: output over a model's limit, or a prompt over every window, is refused before
        anything is sent (a long prompt is measured in a worker thread, off the loop)."""
        if prompt_chars(request) < INLINE_CHARS:
            preflight.check_request(request, targets)
        else:
            await asyncio.to_thread(preflight.check_request, request, targets)

    def _caps(self, target: Target, route: str | None) -> list[Cap]:
        caps = []
        if route and route in self.config.routes:
            r = self.config.routes[route]
            if r.daily_usd is not None or r.daily_tokens is not None:
                caps.append(Cap(f"route:{route}", r.daily_usd, r.daily_tokens))
        o = target.options(self.config)
        if o.daily_usd is not None or o.daily_tokens is not None:
            caps.append(Cap(f"provider:{target.provider}", o.daily_usd, o.daily_tokens))
        return caps

    # -- calls -------------------------------------------------------------------------------

    def _prepare(
        self, request: CallRequest | str, model: str | None, fallback: Sequence[str], route: str | None
    ) -> tuple[CallRequest, str | None, list[str]]:
        if isinstance(request, str):
            request = CallRequest.from_prompt(request)
        route_name, refs = self.resolve_chain(model, fallback, route)
        for ref in refs:
            self.target(ref)
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

    def _begin(self, request: CallRequest, route: str | None, refs: list[str]) -> _Call:
        started = time.monotonic()
        sent, redactor = self._redactor(request)
        ttl = self._ttl(request, route)
        return _Call(
            started=started,
            call_id=uuid.uuid4().hex,
            route=route,
            request=request,
            sent=sent,
            redactor=redactor,
            deadline=started + (request.deadline_s or self.config.gateway.deadline_s),
            ttl=ttl,
            key=cache_key(refs, sent) if ttl > 0 and self.cache is not None else None,
        )

    def _hit(self, call: _Call, raw: str) -> CallResult | None:
        """A stored answer as this call's result (free, restored from redaction), or None if unreadable."""
        try:
            stored = CallResult.model_validate_json(raw)
        except ValueError as exc:
            logger.warning("response cache: unreadable entry ignored (%s)", type(exc).__name__)
            return None
        if not stored.text and not stored.tool_calls:
            return None  # never serve an empty answer, whoever stored it
        text = call.redactor.restore(stored.text) if call.redactor else stored.text
        latency = round((time.monotonic() - call.started) * 1000, 1)
        update = {"text": text, "cached": True, "cost_usd": 0.0, "attempts": [], "latency_ms": latency}
        return stored.model_copy(update={**update, "route": call.route})

    async def _lookup(self, call: _Call) -> CallResult | Lead | None:
        """A cache hit, an identical call's answer (single-flight), or the lead of this key (or None)."""
        if call.key is None or self.cache is None:
            return None
        raw = await self.cache.get(call.key, within=call.deadline - time.monotonic())
        hit = self._hit(call, raw) if raw is not None else None
        if hit is not None:
            return hit
        try:
            joined = await self.flights.join(call.key, call.deadline)
        except LLMError as exc:
            self._record(call, error=type(exc).__name__)
            raise
        if isinstance(joined, Lead):
            return joined
        return self._hit(call, joined)

    def _record(self, call: _Call, result: CallResult | None = None, error: str | None = None) -> None:
        """The call's ledger row (once), its budget holds released, and its OpenTelemetry spans."""
        if call.recorded:
            return
        call.recorded = True
        telemetry.emit(call.started, call.route, call.attempts, call.request, result, error)
        if self.ledger is not None:
            prompt = None
            if self.config.gateway.log_prompts:  # what the provider saw: redacted when redaction is on
                prompt = "\n".join(str(m.get("content")) for m in call.sent.messages)
            self.ledger.record(call.call_id, call.route, call.attempts, result, error, prompt)
        self.shared.budgets.release(call.holds)

    def _stored(self, result: CallResult, reply: Reply) -> str:
        """What the cache keeps: the provider's (redacted) text, no attempts, no warnings."""
        return result.model_copy(update={"text": reply.text, "attempts": [], "warnings": []}).model_dump_json()

    async def _finish(self, call: _Call, lead: Lead | None, result: CallResult, reply: Reply) -> None:
        """Record the answer first, then hand it to identical calls waiting and to the cache."""
        self._record(call, result)
        if lead is None:
            return
        stored = self._stored(result, reply)
        writing = None
        if self.cache is not None and call.key is not None:
            writing = self.cache.store_later(call.key, stored, call.ttl)  # the caller does not wait for it
        await lead.finish(stored, call.ttl, writing)

    def _disabled(self, route: str | None) -> CallResult:
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

    def _meter(self, call: _Call, target: Target) -> Meter:
        caps, warn_at = self._caps(target, call.route), self.config.gateway.budget_warn_at
        return Meter(target, call.sent, caps, self.shared.budgets, warn_at, call.holds)

    def _result(self, index: int, target: Target, reply: Reply, call: _Call, warnings: list[str]) -> CallResult:
        answered = call.attempts[-1]
        usage = reply.usage
        if usage.total == 0:  # no usage came back: the meter's estimate, marked on the attempt
            usage = Usage(input_tokens=answered.input_tokens, output_tokens=answered.output_tokens)
        cost = None if answered.cost_usd is None else round(sum(a.cost_usd or 0.0 for a in call.attempts), 10)
        return CallResult(
            text=call.redactor.restore(reply.text) if call.redactor else reply.text,
            provider=target.provider,
            model=target.model,
            usage=usage,
            cost_usd=cost,
            latency_ms=round((time.monotonic() - call.started) * 1000, 1),
            attempts=call.attempts,
            link=index,
            route=call.route,
            finish_reason=reply.finish_reason,
            tool_calls=reply.tool_calls,
            warnings=warnings,
        )

    def _failure(self, attempts: list[Attempt], budget_errors: list[BudgetExceeded]) -> LLMError:
        if budget_errors and all(a.error == "BudgetExceeded" for a in attempts):
            budget_errors[0].attempts = attempts
            return budget_errors[0]
        return AllProvidersFailed(attempts)

    async def _chain(self, call: _Call, targets: list[Target]) -> tuple[CallResult, Reply]:
        need: int | None = None
        budget_errors: list[BudgetExceeded] = []
        for index, target in enumerate(targets):
            if not self._fits(target, need, call.attempts):
                continue
            meter = self._meter(call, target)
            link = self.links[target.provider]
            last = index == len(targets) - 1
            try:
                reply = await link.complete(target.model, call.sent, call.deadline, call.attempts, meter, last)
            except BudgetExceeded as exc:
                budget_errors.append(exc)
                continue
            except (RetryableError, TerminalError) as exc:
                need = self._next_link(exc, target, call.sent, call.attempts) or need
                continue
            return self._result(index, target, reply, call, meter.warnings), reply
        raise self._failure(call.attempts, budget_errors)

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
            return self._disabled(route)
        call = self._begin(request, route, refs)
        targets = await self._ready(call, refs)
        await self._refuse_impossible(request, targets)
        found = await self._lookup(call)
        if isinstance(found, CallResult):
            self._record(call, found)
            return found
        try:
            result, reply = await self._chain(call, targets)
        except BaseException as exc:
            self._record(call, error=type(exc).__name__ if isinstance(exc, LLMError) else "Cancelled")
            if found is not None:
                await found.finish(None, 0)
            raise
        await self._finish(call, found, result, reply)
        return result

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
            yield self._disabled(route)
            return
        call = self._begin(request, route, refs)
        targets = await self._ready(call, refs)
        await self._refuse_impossible(request, targets)
        found = await self._lookup(call)
        if isinstance(found, CallResult):
            self._record(call, found)
            yield found.text
            yield found
            return
        try:
            result, reply = None, None
            # aclosing: a caller who stops reading closes the chain (and the attempt in flight) now,
            # so the cancelled attempt is in the call's ledger row, not left to the garbage collector.
            async with aclosing(self._stream_chain(call, targets)) as chain:
                async for item in chain:
                    if isinstance(item, tuple):
                        result, reply = item
                    else:
                        yield item
        except BaseException as exc:
            self._record(call, error=type(exc).__name__ if isinstance(exc, LLMError) else "Cancelled")
            if found is not None:
                await found.finish(None, 0)
            raise
        assert result is not None and reply is not None
        await self._finish(call, found, result, reply)
        yield result

    async def _stream_chain(self, call: _Call, targets: list[Target]) -> AsyncIterator[str | tuple[CallResult, Reply]]:
        need: int | None = None
        budget_errors: list[BudgetExceeded] = []
        for index, target in enumerate(targets):
            if not self._fits(target, need, call.attempts):
                continue
            meter = self._meter(call, target)
            link = self.links[target.provider]
            last = index == len(targets) - 1
            partial: list[str] = []
            reply: Reply | None = None
            try:
                items = link.stream(target.model, call.sent, call.deadline, call.attempts, meter, last)
                async with aclosing(items):
                    async for item in items:
                        if isinstance(item, Reply):
                            reply = item
                        else:
                            partial.append(item)
                            yield call.redactor.restore(item) if call.redactor else item
            except BudgetExceeded as exc:
                budget_errors.append(exc)
                continue
            except (RetryableError, TerminalError) as exc:
                if partial:
                    raise StreamInterrupted("".join(partial), exc, call.attempts) from exc
                need = self._next_link(exc, target, call.sent, call.attempts) or need
                continue
            assert reply is not None
            yield self._result(index, target, reply, call, meter.warnings), reply
            return
        raise self._failure(call.attempts, budget_errors)

    async def status(self) -> list[ProviderStatus]:
        """Breaker state, limiter headroom, recent latency and error rate per provider — no secrets."""
        for name in self.config.providers:
            self.link(name)
        return [await provider_status(link, self.shared, self.config) for link in self.links.values()]
