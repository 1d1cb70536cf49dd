"""Prompt settings: `[prompts]` in llmwright.toml (or `[tool.llmwright.prompts]` in pyproject.toml).

```toml
[prompts]
model = "openai:gpt-4o-mini"           # used when a run names no model or route
fallback = ["anthropic:claude-haiku-4-5"]
# route = "cheap"                      # or a [routes.NAME] chain instead of model/fallback
dirs = ["team-prompts"]                # searched before the built-in templates (relative to the file)
```

The table is read by `llmwright.config` (the one reader of the file), so one file configures
the gateway and the prompts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from llmwright.config import PromptsConfig, load_config
from llmwright.errors import InvalidInput

PromptSettings = PromptsConfig


def load_prompt_settings(config_path: str | Path | None = None, cwd: str | Path | None = None) -> PromptSettings:
    """The `[prompts]` table of the configuration (`dirs` made relative to the file); empty without one."""
    return load_config(config_path, cwd).prompts


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
