"""Preview and experimental models: usable, but not to build on as the primary unless asked."""

from __future__ import annotations

import re

from ..catalog import ModelInfo

# `gemini-3.1-pro-preview`, `deepseek-v3.2-exp`, `…-experimental`: names providers give to models
# they may change or withdraw without the notice a stable model gets.
PREVIEW = re.compile(r"(preview|experimental|(?:^|[-_.:/])exp(?:$|[-_.:/]))", re.IGNORECASE)


def is_preview(model: ModelInfo) -> bool:
    return bool(PREVIEW.search(model.model))
