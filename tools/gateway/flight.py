"""Single-flight: concurrent identical cacheable calls share one provider call.

The first call for a cache key leads: it runs the chain, stores the answer and hands it to
every follower that arrived meanwhile; followers wait within their own deadline and return
the answer as a cache hit. When the leader fails or is cancelled, followers are released to
run on their own (one of them leads the next round), so no follower inherits another
caller's error, deadline or cancellation. With `[shared] backend = "redis"` the lead is also
taken in Redis (a lease as long as the leader's deadline), and identical calls in other
processes and hosts wait for the answer the leader publishes there.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from .errors import Timeout
from .loops import PerLoop

logger = logging.getLogger("llmwright.gateway")


class SharedFlights(Protocol):
    async def lead(self, key: str, lease_s: float) -> tuple[str | None, str | None]:
        """(a token, None) when this process now leads the key everywhere; (None, the answer) when a
        leader elsewhere published one moments ago; (None, None) when another process leads."""
        ...

    async def wait(self, key: str, deadline: float) -> str | None:
        """The answer another process's leader publishes; None once it gave up (or on the deadline)."""
        ...

    async def finish(self, key: str, token: str, answer: str | None, ttl_s: float) -> None: ...


class Lead:
    """This call leads its key: it must `finish` with the answer (or None) whatever happens."""

    def __init__(self, flights: Flights, key: str, future: asyncio.Future[str | None]) -> None:
        self.flights, self.key, self.future = flights, key, future
        self.token: str | None = None

    async def finish(self, answer: str | None, ttl_s: float, stored: asyncio.Future[None] | None = None) -> None:
        """Hand `answer` to the followers. With `stored` (the cache write in flight), later identical
        calls keep getting the answer from here until the cache has it."""
        if not self.future.done():
            self.future.set_result(answer)
        leaders = self.flights._leaders.get()
        if stored is not None and answer is not None and not stored.done():
            stored.add_done_callback(lambda _: self._release(leaders))
        else:
            self._release(leaders)
        if self.token is not None and self.flights.shared is not None:
            token, self.token = self.token, None
            await self.flights.shared.finish(self.key, token, answer, ttl_s)

    def _release(self, leaders: dict[str, asyncio.Future[str | None]]) -> None:
        if leaders.get(self.key) is self.future:
            del leaders[self.key]


class Flights:
    def __init__(self, shared: SharedFlights | None = None) -> None:
        self.shared = shared
        self._leaders: PerLoop[dict[str, asyncio.Future[str | None]]] = PerLoop(dict)

    async def join(self, key: str, deadline: float) -> Lead | str:
        """A `Lead` to run the call under, or the answer (JSON) an identical call in flight produced.

        Raises `Timeout` when the deadline passes while waiting for another call's answer.
        """
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Timeout("deadline reached while waiting for an identical call in flight")
            leaders = self._leaders.get()
            running = leaders.get(key)
            if running is not None:
                try:
                    answer = await asyncio.wait_for(asyncio.shield(running), remaining)
                except TimeoutError as exc:
                    raise Timeout("deadline reached while waiting for an identical call in flight") from exc
                if answer is not None:
                    return answer
                continue  # the leader got no answer: run (or follow) the next round
            future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
            leaders[key] = future
            lead = Lead(self, key, future)
            if self.shared is None:
                return lead
            try:
                lead.token, answer = await self.shared.lead(key, remaining)
                if lead.token is not None:
                    return lead
                if answer is None:
                    answer = await self.shared.wait(key, deadline)
            except BaseException:
                await lead.finish(None, 0)
                raise
            await lead.finish(answer, 0)  # hands another process's answer to the followers here
            if answer is not None:
                return answer
