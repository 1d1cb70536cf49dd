"""Objects that belong to one event loop (connection pools, semaphores, Redis clients), one per loop.

asyncio primitives and the SDKs' connection pools bind to the loop they first ran on. A
gateway built once and used from several `asyncio.run` calls (a script, a test, a worker
that restarts its loop) would otherwise hand the new loop an object of the old one and fail
with an untyped `RuntimeError`. `PerLoop` builds a fresh object for each running loop.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class PerLoop(Generic[T]):
    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self._value: T | None = None

    def get(self) -> T:
        """The object of the running loop, built on first use in it."""
        loop = asyncio.get_running_loop()
        if self._loop is None or self._loop() is not loop:
            self._value, self._loop = self._factory(), weakref.ref(loop)
        return cast(T, self._value)

    def current(self) -> T | None:
        """The object built for the running loop, if any (what `aclose` may close)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return self._value if self._loop is not None and self._loop() is loop else None

    def put(self, value: T) -> None:
        """Install an object built elsewhere (a worker thread) as the running loop's."""
        self._value, self._loop = value, weakref.ref(asyncio.get_running_loop())

    def forget(self) -> None:
        self._value, self._loop = None, None
