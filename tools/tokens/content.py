"""Classify text as prose, code, JSON or CJK/Cyrillic: tokenizers differ most across these."""

from __future__ import annotations

import json
import re
from typing import Literal

ContentType = Literal["prose", "code", "json", "cjk"]

_CJK_CYRILLIC = re.compile(r"[\u0400-\u04ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CODE_LINE = re.compile(
    r"(^\s{2,}\S)|[;{}]\s*$|^\s*(def|class|import|from|return|if|for|while|function|const|let|var|#include|public|private)\b"
    r"|=>|==|!=|\)\s*:|\w\(.*\)"
)
_SAMPLE = 20_000


def classify(text: str) -> ContentType:
    """A cheap guess from a sample of the text; good enough to pick a calibration factor."""
    sample = text[:_SAMPLE]
    if not sample.strip():
        return "prose"
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters and len(_CJK_CYRILLIC.findall(sample)) / letters > 0.3:
        return "cjk"
    stripped = sample.strip()
    if stripped[0] in "[{" and _looks_like_json(text.strip() if len(text) <= _SAMPLE else stripped):
        return "json"
    lines = [line for line in sample.splitlines() if line.strip()]
    if lines and sum(1 for line in lines if _CODE_LINE.search(line)) / len(lines) > 0.4:
        return "code"
    return "prose"


def _looks_like_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        structural = sum(text.count(ch) for ch in '{}[]":,')
        return structural / max(len(text), 1) > 0.15
    return True
