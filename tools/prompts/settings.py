"""Prompt settings: `[prompts]` in llmwright.toml (or `[tool.llmwright.prompts]` in pyproject.toml).

```toml
[prompts]
model = "openai:gpt-4o-mini"           # used when a run names no model or route
fallback = ["anthropic:claude-haiku-4-5"]
# route = "cheap"                      # or a [routes.NAME] chain instead of model/fallback
dirs = ["team-prompts"]                # searched before the built-in templates (relative to the file)
```

The file is found the way `llmwright.config.load_config` finds it (`--config`, then
`LLMWRIGHT_CONFIG`, then ./llmwright.toml, then pyproject.toml), so one file configures both.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from llmwright.config import CONFIG_FILE
from llmwright.errors import ConfigError, InvalidInput


class PromptSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(None, description="default provider:model for runs that name none")
    fallback: list[str] = Field(default_factory=list)
    route: str | None = None
    dirs: list[Path] = Field(default_factory=list, description="template directories, searched first")


def load_prompt_settings(config_path: str | Path | None = None, cwd: str | Path | None = None) -> PromptSettings:
    path = config_path or os.environ.get("LLMWRIGHT_CONFIG") or None
    base = Path(cwd or Path.cwd())
    if path is not None:
        candidates = [Path(path)]
    else:
        candidates = [p for p in (base / CONFIG_FILE, base / "pyproject.toml") if p.is_file()][:1]
    for file in candidates:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"configuration file {file} does not exist") from exc
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{file} is not valid TOML: {exc}") from exc
        if file.name == "pyproject.toml":
            data = data.get("tool", {}).get("llmwright", {})
        table = data.get("prompts", {})
        try:
            settings = PromptSettings.model_validate(table)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ConfigError(f"invalid [prompts] setting {where} in {file}: {first['msg']}") from exc
        settings.dirs = [d if d.is_absolute() else file.parent / d for d in settings.dirs]
        return settings
    return PromptSettings()


def choose_chain(
    template: str,
    model: str | None,
    fallback: Sequence[str],
    route: str | None,
    settings: PromptSettings,
) -> tuple[str | None, list[str], str | None]:
    """(model, fallback, route) for a run: the caller's when given, else the settings', else an error."""
    if model or route:
        return model, list(fallback), route
    if settings.model or settings.route:
        return settings.model, list(fallback) or settings.fallback, settings.route
    raise InvalidInput(
        f"no model to run {template} on: pass --model provider:model (or --route NAME), "
        "or set model under [prompts] in llmwright.toml"
    )
