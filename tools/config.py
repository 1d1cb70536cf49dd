"""llmwright configuration: `llmwright.toml`, `[tool.llmwright]` in pyproject.toml, or `--config FILE`.

Keys never live here: a provider table names the environment variable that holds its key
(`api_key_env`), so a config file can be committed and shared safely.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError

CONFIG_FILE = "llmwright.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProviderConfig(_Strict):
    """`[providers.NAME]`: overrides of a built-in preset, or a new provider."""

    kind: Literal["openai", "azure", "anthropic", "ollama"] | None = None
    base_url: str | None = None
    api_key_env: str | None = None
    rpm: float | None = Field(None, gt=0, description="requests per minute")
    tpm: float | None = Field(None, gt=0, description="tokens per minute (estimated before, corrected after)")
    timeout_s: float = Field(60.0, gt=0, description="per-attempt timeout")
    max_retries: int = Field(2, ge=0, le=10)
    fail_max: int = Field(5, ge=1, description="retryable failures in a row that open the breaker")
    reset_timeout_s: float = Field(30.0, gt=0, description="how long an open breaker waits before a trial call")
    daily_usd: float | None = Field(None, ge=0)
    daily_tokens: int | None = Field(None, ge=0)
    max_concurrency: int | None = Field(None, ge=1, description="requests in flight at once; the rest queue")
    max_connections: int | None = Field(None, ge=1, description="HTTP connection pool size (SDK default: 1000)")
    api_version: str | None = Field(None, description="Azure OpenAI api-version")


class RouteConfig(_Strict):
    """`[routes.NAME]`: a fallback chain callers name instead of listing models."""

    chain: list[str] = Field(min_length=1)
    cache_ttl_s: float | None = Field(None, ge=0)
    daily_usd: float | None = Field(None, ge=0)
    daily_tokens: int | None = Field(None, ge=0)


class CacheConfig(_Strict):
    backend: Literal["off", "memory", "sqlite", "redis"] = "sqlite"
    ttl_s: float = Field(3600.0, ge=0)
    url: str | None = Field(None, description="redis://… for redis, a file path for sqlite")


class GatewayConfig(_Strict):
    enabled: bool = True
    deadline_s: float = Field(120.0, gt=0)
    redact: Literal["off", "mask", "reversible"] = "off"
    ledger: bool = True
    ledger_path: str | None = None
    log_prompts: bool = Field(False, description="opt in to prompt text in the ledger")
    budget_warn_at: float = Field(0.8, gt=0, le=1)
    backoff_base_s: float = Field(0.5, ge=0)
    backoff_max_s: float = Field(20.0, ge=0)
    retry_after_max_s: float = Field(30.0, ge=0, description="cap on a provider's Retry-After")


class Config(BaseModel):
    """The whole file: other capabilities' tables (e.g. `[audit]`) are theirs to validate."""

    model_config = ConfigDict(extra="ignore")

    providers: dict[str, ProviderConfig] = Field(default_factory=dict)
    routes: dict[str, RouteConfig] = Field(default_factory=dict)
    cache: CacheConfig = Field(default_factory=CacheConfig)
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)


def load_config(path: str | Path | None = None, cwd: str | Path | None = None) -> Config:
    """The given file (or `LLMWRIGHT_CONFIG`), else `llmwright.toml`, else `[tool.llmwright]`, else defaults.

    `LLMWRIGHT_ENABLED=0` then switches the gateway off whatever the file says.
    """
    data: dict = {}
    source = "defaults"
    path = path or os.environ.get("LLMWRIGHT_CONFIG") or None
    if path is not None:
        source = str(path)
        data = _read(Path(path), source)
    else:
        base = Path(cwd or Path.cwd())
        if (base / CONFIG_FILE).is_file():
            source = str(base / CONFIG_FILE)
            data = _read(base / CONFIG_FILE, source)
        elif (base / "pyproject.toml").is_file():
            data = _read(base / "pyproject.toml", "pyproject.toml").get("tool", {}).get("llmwright", {})
            source = "[tool.llmwright] in pyproject.toml"
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_loc(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid configuration in {source}: {problems}") from exc
    flag = os.environ.get("LLMWRIGHT_ENABLED")
    if flag is not None and flag.strip().lower() in ("0", "false", "no", "off"):
        config.gateway.enabled = False
    return config


def _read(path: Path, source: str) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file {source} does not exist") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}") from exc


def _loc(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)
