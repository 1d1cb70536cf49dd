"""llmwright configuration: the only reader of `llmwright.toml` and `[tool.llmwright]`.

One search rule for every capability and door: `--config FILE`, else `LLMWRIGHT_CONFIG`, else
`llmwright.toml` in the working directory (the audited root, for the audit), else
`[tool.llmwright]` in its `pyproject.toml`, else defaults. Every table and key is declared
here; a misspelled one is an error naming it and the closest valid name, because a typo that
silently keeps a default (`[gatway] deadline_s = 5`) is worse than no setting at all.

Keys never live here: a provider table names the environment variable that holds its key
(`api_key_env`), so a config file can be committed and shared safely.
"""

from __future__ import annotations

import difflib
import os
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from .errors import ConfigError
from .paths import ledger_path

CONFIG_FILE = "llmwright.toml"
Severity = Literal["critical", "high", "medium", "low", "info"]


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
    max_concurrency: int = Field(
        200,
        ge=0,
        description="requests in flight to this provider at once, from this process; the rest queue (0: no cap). "
        "Past a few hundred the SDKs' connection pool costs CPU on every request",
    )
    max_connections: int | None = Field(None, ge=1, description="HTTP connection pool size (default: max_concurrency)")
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
    max_wait_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="share of the remaining deadline a link may wait for a rate-limit slot or a 429 cool-down "
        "when a later link could answer; a longer wait skips to that link",
    )
    allow_retired: bool = Field(False, description="send calls to models past their retirement date anyway")

    def ledger_file(self) -> Path | None:
        """The usage ledger the gateway writes under this configuration; None when the ledger is off."""
        if not self.ledger:
            return None
        return Path(self.ledger_path) if self.ledger_path else ledger_path()


class SharedConfig(_Strict):
    """`[shared]`: state several gateway processes and hosts share. `none`: each process keeps its
    own rate limits and breakers, and budgets follow the ledger file (one host). `redis`: rate limits
    (rpm, tpm), budget spend, breaker state and single-flight live in Redis, changed atomically."""

    backend: Literal["none", "redis"] = "none"
    url: str | None = Field(None, description="redis://host:port/db (default: [cache] url when it is redis)")
    prefix: str = Field("llmwright", min_length=1, description="key namespace: deployments that share nothing")
    timeout_s: float = Field(1.0, gt=0, le=10, description="per Redis operation; past it a process uses its own")


class AuditConfig(_Strict):
    """`[audit]`: which rules run where. Command-line options add to these."""

    select: list[str] = Field(default_factory=list, description="rule ids or prefixes such as LLM1")
    ignore: list[str] = Field(default_factory=list, description="rule ids or prefixes to skip")
    exclude: list[str] = Field(default_factory=list, description="gitignore-style paths not audited")
    severity: dict[str, Severity] = Field(default_factory=dict, description="rule id -> severity")


class PromptsConfig(_Strict):
    """`[prompts]`: the default model for prompt runs and where team templates live."""

    model: str | None = Field(None, description="default provider:model for runs that name none")
    fallback: list[str] = Field(default_factory=list)
    route: str | None = None
    dirs: list[Path] = Field(default_factory=list, description="template directories (relative to the file)")


class ServerConfig(_Strict):
    """`[server]`: what the MCP server accepts from a client before any work starts.

    The defaults fit real use (a long document or a whole chat history is well under 2 MB) and
    stop a careless or hostile client from tying up the server: larger inputs are refused
    with a one-line error that says which argument, how big, and which key raises the cap.
    """

    max_text_bytes: int = Field(2_000_000, ge=1_000, description="UTF-8 bytes of text in one tool argument")
    max_request_bytes: int = Field(8_000_000, ge=1_000, description="bytes of one request's arguments, as JSON")
    max_items: int = Field(10_000, ge=10, description="list items and object keys in one request's arguments")
    max_depth: int = Field(32, ge=2, description="nesting of lists and objects in one request's arguments")


class Config(_Strict):
    """The whole file. `file` is where it was read from (None for defaults)."""

    providers: dict[str, ProviderConfig] = Field(default_factory=dict)
    routes: dict[str, RouteConfig] = Field(default_factory=dict)
    cache: CacheConfig = Field(default_factory=CacheConfig)
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)
    shared: SharedConfig = Field(default_factory=SharedConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    prompts: PromptsConfig = Field(default_factory=PromptsConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)
    _file: Path | None = PrivateAttr(None)

    @property
    def file(self) -> Path | None:
        return self._file


def find_config_file(path: str | Path | None = None, cwd: str | Path | None = None) -> tuple[Path | None, bool]:
    """The file the search rule picks, and whether it is a pyproject.toml (read `[tool.llmwright]`)."""
    chosen = path or os.environ.get("LLMWRIGHT_CONFIG") or None
    if chosen is not None:
        return Path(chosen), Path(chosen).name == "pyproject.toml"
    base = Path(cwd or Path.cwd())
    if (base / CONFIG_FILE).is_file():
        return base / CONFIG_FILE, False
    if (base / "pyproject.toml").is_file():
        return base / "pyproject.toml", True
    return None, False


def load_config(path: str | Path | None = None, cwd: str | Path | None = None) -> Config:
    """The configuration by the search rule (see the module docstring); defaults when there is no file.

    `LLMWRIGHT_ENABLED=0` then switches the gateway off whatever the file says.
    """
    file, is_pyproject = find_config_file(path, cwd)
    data: dict[str, Any] = {}
    source = "defaults"
    if file is not None:
        data = _read(file)
        source = str(file)
        if is_pyproject:
            data = data.get("tool", {}).get("llmwright", {})
            source = f"[tool.llmwright] in {file}"
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_problem(error, is_pyproject) for error in exc.errors())
        raise ConfigError(f"invalid configuration in {source}: {problems}") from exc
    if file is not None:
        config._file = file
        config.prompts.dirs = [d if d.is_absolute() else file.parent / d for d in config.prompts.dirs]
    flag = os.environ.get("LLMWRIGHT_ENABLED")
    if flag is not None and flag.strip().lower() in ("0", "false", "no", "off"):
        config.gateway.enabled = False
    return config


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file {path} does not exist; check the path given to --config") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"configuration file {path} is a directory; name a TOML file") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read configuration file {path}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def _problem(error: Any, is_pyproject: bool) -> str:
    """One pydantic error as a reader of the file would say it, with the closest valid name for a typo."""
    loc = tuple(error["loc"])
    prefix = "tool.llmwright." if is_pyproject else ""
    if error["type"] == "extra_forbidden":
        valid = _valid_names(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
        if len(loc) == 1:
            hint = f"did you mean [{prefix}{close[0]}]?" if close else f"valid tables: {', '.join(valid)}"
            return f"unknown table [{prefix}{loc[0]}]; {hint}"
        hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(valid)}"
        if loc[-1] == "api_key":
            hint += " Keys come only from the environment: api_key_env names the variable that holds it"
        return f"unknown key {loc[-1]!r} in [{prefix}{_dotted(loc[:-1])}]; {hint}"
    return f"{prefix}{_dotted(loc)}: {error['msg']}"


def _dotted(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _valid_names(loc: tuple) -> list[str]:
    """The field names of the model at `loc` (a table path; keys of `dict[str, Model]` tables skipped)."""
    model: Any = Config
    parts = list(loc)
    while parts:
        annotation = model.model_fields[str(parts.pop(0))].annotation
        if typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
            if parts:
                parts.pop(0)  # the NAME of [providers.NAME]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if isinstance(a, type))
        model = annotation
    return list(model.model_fields)
