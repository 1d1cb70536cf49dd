"""`[shared] backend = "redis"`: rate limits, budgets, breakers and single-flight shared by every
process and host that points at one Redis.

Each guard keeps its state in Redis and changes it with one Lua script, so a check and its
update are one atomic step however many workers race: the rate buckets (`limiter.py`'s
arithmetic), the breaker's state machine (`breaker.py`'s transitions), the per-day budget
counters (`budget.py`'s reserve and settle), and the single-flight lease with the answer
the leader publishes. Time is Redis's own clock (`TIME`), so hosts whose clocks disagree
still share one minute. Keys share a hash tag (`{prefix}`), so the multi-key scripts work on
Redis Cluster too.

When Redis cannot be reached, each guard falls back to this process's own (`Local*`) state,
logs it once, and tries Redis again after a few seconds: an outage of the coordination store
degrades the limits to per-process ones, it never stops calls. `describe()` says which mode
is in force, for `provider_status`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from llmwright.config import Config
from llmwright.errors import ConfigError

from .breaker import Admission, BreakerState, LocalBreakers, Outcome
from .budget import Cap, Hold, LocalBudgets, check
from .errors import BudgetExceeded
from .ledger import Ledger
from .limiter import Bucket, LocalRates
from .loops import PerLoop
from .lua import SCRIPTS

logger = logging.getLogger("llmwright.gateway")
T = TypeVar("T")
RETRY_AFTER_S = 5.0  # after a failure, this process uses its own guards this long before trying Redis again
POOL_SIZE = 8  # connections per process and event loop


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class Redis:
    """One client per event loop, its scripts, and the fall-back switch when Redis is unreachable."""

    def __init__(self, url: str, prefix: str, timeout_s: float) -> None:
        try:
            import redis.asyncio as redis_asyncio
            from redis.exceptions import RedisError
        except ImportError as exc:
            message = "[shared] backend 'redis' needs the redis package: pip install 'llmwright[redis]'"
            raise ConfigError(message) from exc
        self.url, self.prefix = url, prefix
        self.errors: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)
        self._clients = PerLoop(lambda: self._connect(redis_asyncio, timeout_s))
        self._down_until = 0.0
        self.problem: str | None = None

    def _connect(self, redis_asyncio: Any, timeout_s: float) -> tuple[Any, dict[str, Any]]:
        """A small blocking pool: a burst of calls queues for one of a few connections (each script
        takes microseconds) instead of opening a connection per call."""
        pool = redis_asyncio.BlockingConnectionPool.from_url(
            self.url,
            max_connections=POOL_SIZE,
            timeout=timeout_s,
            decode_responses=True,
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
        )
        client = redis_asyncio.Redis(connection_pool=pool)
        return client, {name: client.register_script(lua) for name, lua in SCRIPTS.items()}

    def key(self, *parts: str) -> str:
        return ":".join([f"{{{self.prefix}}}", *parts])

    async def run(self, name: str, keys: Sequence[str], args: Sequence[object]) -> Any:
        _, scripts = self._clients.get()
        return await scripts[name](keys=list(keys), args=[str(a) for a in args])

    def client(self) -> Any:
        return self._clients.get()[0]

    async def either(self, shared: Callable[[], Awaitable[T]], local: Callable[[], Awaitable[T]]) -> T:
        """Redis when it answers; this process's own state while it does not."""
        if time.monotonic() < self._down_until:
            return await local()
        try:
            result = await shared()
        except self.errors as exc:
            self._down(exc)
            return await local()
        if self.problem is not None:
            logger.warning("shared state: Redis at %s answers again; limits are shared again", self.where())
            self.problem = None
        return result

    def _down(self, exc: BaseException) -> None:
        self._down_until = time.monotonic() + RETRY_AFTER_S
        if self.problem is None:
            logger.warning(
                "shared state: Redis at %s unreachable (%s: %s); each process keeps its own limits until it is back",
                self.where(),
                type(exc).__name__,
                str(exc)[:200],
            )
        self.problem = f"unreachable ({type(exc).__name__}); using this process's own limits"

    def where(self) -> str:
        return self.url.rpartition("@")[2]  # never the password of redis://user:pass@host

    async def warm(self) -> None:
        """Connect and load the scripts now, so the first calls do not pay for it."""

        async def load() -> None:
            client, scripts = self._clients.get()
            for script in scripts.values():
                script.sha = await client.script_load(script.script)

        async def later() -> None:
            return None

        await self.either(load, later)

    async def aclose(self) -> None:
        current = self._clients.current()
        self._clients.forget()
        if current is not None:
            await current[0].aclose()
            await current[0].connection_pool.disconnect()


class RedisRates:
    def __init__(self, redis: Redis, local: LocalRates) -> None:
        self.redis, self.local = redis, local

    async def reserve(
        self, wants: Sequence[tuple[Bucket, float]], not_before_s: float, max_wait_s: float
    ) -> float | None:
        async def shared() -> float | None:
            keys = [self.redis.key(b.key) for b, _ in wants]
            args: list[object] = [not_before_s, max_wait_s]
            for bucket, units in wants:
                args += [bucket.capacity, bucket.rate, units]
            ok, wait = await self.redis.run("reserve_rate", keys, args)
            return float(wait) if int(ok) else None

        return await self.redis.either(shared, lambda: self.local.reserve(wants, not_before_s, max_wait_s))

    async def settle(self, bucket: Bucket, units: float) -> None:
        async def shared() -> None:
            await self.redis.run("settle_rate", [self.redis.key(bucket.key)], [units, bucket.rate])

        await self.redis.either(shared, lambda: self.local.settle(bucket, units))

    async def free(self, bucket: Bucket) -> float:
        async def shared() -> float:
            key = self.redis.key(bucket.key)
            return float(await self.redis.run("free_rate", [key], [bucket.capacity, bucket.rate]))

        return await self.redis.either(shared, lambda: self.local.free(bucket))


class RedisBreakers:
    def __init__(self, redis: Redis, local: LocalBreakers) -> None:
        self.redis, self.local = redis, local

    async def enter(self, name: str, reset_s: float, lease_s: float) -> Admission:
        async def shared() -> Admission:
            key = self.redis.key("breaker", name)
            verdict, seconds = await self.redis.run("breaker_enter", [key], [reset_s, lease_s])
            return Admission(verdict, float(seconds))

        return await self.redis.either(shared, lambda: self.local.enter(name, reset_s, lease_s))

    async def record(self, name: str, outcome: Outcome, trial: bool, fail_max: int, cooldown_s: float) -> BreakerState:
        async def shared() -> BreakerState:
            row = await self.redis.run(
                "breaker_record", [self.redis.key("breaker", name)], [outcome, int(trial), fail_max, cooldown_s]
            )
            return _breaker_state(row)

        return await self.redis.either(shared, lambda: self.local.record(name, outcome, trial, fail_max, cooldown_s))

    async def read(self, name: str) -> BreakerState:
        async def shared() -> BreakerState:
            return _breaker_state(await self.redis.run("breaker_read", [self.redis.key("breaker", name)], []))

        return await self.redis.either(shared, lambda: self.local.read(name))


def _breaker_state(row: Sequence[Any]) -> BreakerState:
    state, failures, opened_at, cooldown, trial, now = (row[i] if i < len(row) else None for i in range(6))
    return BreakerState(
        state=state or "closed",
        failures=int(failures or 0),
        opened_at=float(opened_at or 0),
        cooldown_until=float(cooldown or 0),
        trial_until=float(trial or 0),
        as_of=float(now or 0),
    )


class RedisBudgets:
    """Per-day counters per cap in Redis; a reservation and its settlement go to the same day's keys."""

    def __init__(self, redis: Redis, local: LocalBudgets) -> None:
        self.redis, self.local = redis, local

    def _keys(self, caps: Sequence[Cap], day: str) -> tuple[str, ...]:
        return tuple(self.redis.key("budget", day, cap.key) for cap in caps)

    async def reserve(self, caps: Sequence[Cap], tokens: float, usd: float, warn_at: float) -> tuple[Hold, list[str]]:
        async def shared() -> tuple[Hold, list[str]]:
            day = today()
            keys = self._keys(caps, day)
            args: list[object] = [tokens, usd]
            for cap in caps:
                args += [_limit(cap.daily_tokens), _limit(cap.daily_usd)]
            ok, *used = await self.redis.run("reserve_budget", keys, args)
            warnings: list[str] = []
            for i, cap in enumerate(caps):
                spent = float(used[2 * i]), float(used[2 * i + 1])
                if not int(ok):
                    check(cap, *spent, tokens, usd, warn_at)  # raises for the cap that refused
                    continue
                try:
                    warnings += check(cap, *spent, tokens, usd, warn_at)
                except BudgetExceeded:  # a rounding hair from Redis's verdict: Redis reserved it
                    warnings.append(f"{cap.key}: at its daily cap")
            if not int(ok):
                raise BudgetExceeded(f"{caps[0].key} daily budget", 0, 0, tokens)
            return Hold(tuple(caps), tokens, usd, day, keys), warnings

        return await self.redis.either(shared, lambda: self.local.reserve(caps, tokens, usd, warn_at))

    async def settle(self, hold: Hold, tokens: float, usd: float) -> None:
        if not hold.keys:
            await self.local.settle(hold, tokens, usd)
            return
        delta_tokens, delta_usd = tokens - hold.tokens, usd - hold.usd
        hold.tokens, hold.usd = tokens, usd

        async def shared() -> None:
            await self.redis.run("settle_budget", hold.keys, [delta_tokens, delta_usd])

        async def lost() -> None:
            logger.warning("shared state: could not settle a budget reservation in Redis; it stays as reserved")

        await self.redis.either(shared, lost)

    def release(self, holds: Sequence[Hold]) -> None:
        self.local.release([h for h in holds if not h.keys])  # Redis counters hold the real spend already

    async def spent(self, key: str) -> tuple[float, float]:
        async def shared() -> tuple[float, float]:
            tokens, usd = await self.redis.client().hmget(self.redis.key("budget", today(), key), "tokens", "usd")
            return float(tokens or 0), float(usd or 0)

        return await self.redis.either(shared, lambda: self.local.spent(key))


def _limit(value: float | None) -> float:
    return -1 if value is None else value


class RedisFlights:
    POLL_S = (0.01, 0.25)  # first and longest wait between looks at another leader's answer

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def lead(self, key: str, lease_s: float) -> tuple[str | None, str | None]:
        token = uuid.uuid4().hex
        keys = [self.redis.key("flight", key), self.redis.key("flight", key, "answer")]

        async def shared() -> tuple[str | None, str | None]:
            verdict, answer = await self.redis.run("take_lead", keys, [token, max(int(lease_s * 1000), 1)])
            if verdict == "answer":
                return None, answer
            return (token if verdict == "lead" else None), None

        async def alone() -> tuple[str | None, str | None]:
            return "", None  # lead in this process only

        return await self.redis.either(shared, alone)

    async def wait(self, key: str, deadline: float) -> str | None:
        import asyncio

        lock, result = self.redis.key("flight", key), self.redis.key("flight", key, "answer")
        pause = self.POLL_S[0]
        while time.monotonic() < deadline:
            try:
                client = self.redis.client()
                answer = await client.get(result)
                if answer is not None:
                    return answer
                if not await client.exists(lock):
                    return await client.get(result)  # published just before the lease was dropped, or None
            except self.redis.errors:
                return None  # Redis went away: run the call here
            await asyncio.sleep(min(pause, max(deadline - time.monotonic(), 0)))
            pause = min(pause * 1.5, self.POLL_S[1])
        return None

    async def finish(self, key: str, token: str, answer: str | None, ttl_s: float) -> None:
        if not token:
            return
        lock, result = self.redis.key("flight", key), self.redis.key("flight", key, "answer")
        try:
            if answer is not None:
                await self.redis.client().set(result, answer, px=max(int(min(ttl_s, 60.0) * 1000), 1))
            await self.redis.run("release_lead", [lock], [token])
        except self.redis.errors as exc:
            logger.warning("shared state: could not hand over a single-flight answer (%s)", type(exc).__name__)


class Shared:
    """The stores the guards use: this process's own, or Redis shared by every process and host."""

    def __init__(self, config: Config, ledger: Ledger | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.rates: Any = LocalRates(clock)
        self.breakers: Any = LocalBreakers(clock)
        self.budgets: Any = LocalBudgets(ledger)
        self.flights: RedisFlights | None = None
        self.redis: Redis | None = None
        settings = config.shared
        if settings.backend == "redis":
            url = settings.url or (config.cache.url if config.cache.backend == "redis" else None)
            self.redis = Redis(url or "redis://127.0.0.1:6379/0", settings.prefix, settings.timeout_s)
            self.rates = RedisRates(self.redis, self.rates)
            self.breakers = RedisBreakers(self.redis, self.breakers)
            self.budgets = RedisBudgets(self.redis, self.budgets)
            self.flights = RedisFlights(self.redis)

    async def warm(self) -> None:
        if self.redis is not None:
            await self.redis.warm()

    def describe(self) -> str:
        if self.redis is None:
            return "local: limits, budgets and breakers are this process's (budgets follow the ledger file)"
        if self.redis.problem:
            return f"redis {self.redis.where()}: {self.redis.problem}"
        return f"redis {self.redis.where()}: limits, budgets, breakers and single-flight shared"

    async def aclose(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
