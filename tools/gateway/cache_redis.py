"""The redis cache backend: several gateway instances share answers (optional extra `redis`)."""

from __future__ import annotations

from typing import Any

from llmwright.errors import ConfigError

from .loops import PerLoop


class RedisCache:
    """One client per event loop; short socket timeouts, so a hung Redis is a cache fault, not a hung call."""

    def __init__(self, url: str, timeout_s: float = 0.5) -> None:
        try:
            import redis.asyncio as redis
        except ImportError as exc:
            raise ConfigError("cache backend 'redis' needs the redis package: pip install 'llmwright[redis]'") from exc
        self._clients: PerLoop[Any] = PerLoop(
            lambda: redis.Redis.from_url(
                url, decode_responses=True, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
            )
        )

    async def get(self, key: str) -> str | None:
        return await self._clients.get().get(key)

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        await self._clients.get().set(key, value, px=max(int(ttl_s * 1000), 1))

    async def aclose(self) -> None:
        client = self._clients.current()
        self._clients.forget()
        if client is not None:
            await client.aclose()
