"""Errors the engine raises for the front doors to show as one-line messages.

Every error meant for a user derives from `LLMWrightError`; its message says what was
wrong and how to fix it. `InvalidInput` is the caller's fault (CLI exit code 2, an MCP
tool error); anything else is the engine's or the environment's.
"""

from __future__ import annotations


class LLMWrightError(Exception):
    """Base of every error whose message is written for the user."""


class InvalidInput(LLMWrightError, ValueError):
    """The request itself is wrong: fix the input and try again."""


class UnknownModel(InvalidInput):
    """A model reference the catalog does not know, with the closest known names."""

    def __init__(self, ref: str, suggestions: list[str], reason: str = "") -> None:
        self.ref = ref
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        detail = f" ({reason})" if reason else ""
        super().__init__(f"unknown model {ref!r}{detail}.{hint} Run `llmwright models` to list known models.")


class PriceUnknown(LLMWrightError):
    """A hosted model has no known price: refuse rather than report a silent zero."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(
            f"no price is known for {ref}; the catalog will not guess one. "
            "Pick a priced model or add its prices to llmwright.toml."
        )


class ConfigError(InvalidInput):
    """The configuration file or an environment setting is invalid."""
