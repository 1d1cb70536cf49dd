"""Which tokenizer counts a model's tokens, and how far to trust the count."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import tiktoken

from ..catalog import ModelInfo
from .content import ContentType
from .encodings import Tokenizer, tokenizer

_CL100K_MODELS = re.compile(r"(^|/)(gpt-4(?!o|\.|-o)|gpt-3\.5|gpt-35|text-embedding|davinci|babbage)")


@dataclass(frozen=True)
class Family:
    name: str
    match: str
    method: str
    base: str = "cl100k_base"
    error_band: float = 0.0
    factors: dict[str, float] = field(default_factory=dict)
    note: str = ""

    def factor(self, content: ContentType) -> float:
        return self.factors.get(content, max(self.factors.values(), default=1.0))


@cache
def load_families() -> tuple[Family, ...]:
    text = resources.files("llmwright.tokens").joinpath("calibration.toml").read_text(encoding="utf-8")
    return tuple(Family(**row) for row in tomllib.loads(text)["families"])


def family_for(model: ModelInfo) -> Family:
    if model.tokenizer:
        for family in load_families():
            if family.name == model.tokenizer:
                return family
    target = model.model.lower()
    for family in load_families():
        if not family.match or re.search(family.match, target):
            return family
    return load_families()[-1]


def openai_encoding_name(model_id: str) -> str:
    """o200k_base for gpt-4o, 4.1, 4.5, 5 and the o-series; cl100k_base for older families."""
    try:
        name = tiktoken.encoding_name_for_model(model_id.rsplit("/", 1)[-1])
    except KeyError:
        name = ""
    if name in ("o200k_base", "cl100k_base"):
        return name
    return "cl100k_base" if _CL100K_MODELS.search(model_id.lower()) else "o200k_base"


def encoding_for(model: ModelInfo, family: Family) -> Tokenizer:
    if family.method == "exact":
        return tokenizer(openai_encoding_name(model.model))
    return tokenizer(family.base)
