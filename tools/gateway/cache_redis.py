"""The redis cache backend: several gateway instances share answers (optional extra `redis`)."""

from __future__ import annotations

from llmwright.errors import ConfigError


class RedisCache:
    def __init__(self, url: str) -> None:
        try:
            import redis.asyncio as redis
        except ImportError as exc:
            raise ConfigError("cache backend 'redis' needs the redis package: pip install 'llmwright[redis]'") from exc
        self._client = redis.Redis.from_url(url, decode_responses=True)

    async def get(self, key: str) -> str | None:
        return await self._client.get(key)

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        await self._client.set(key, value, px=max(int(ttl_s * 1000), 1))

    async def aclose(self) -> None:
        await self._client.aclose()
