"""Guess the task kind and complexity from the description, and say that it was a guess."""

from __future__ import annotations

import re

from .requirements import Complexity, TaskKind

KIND_PATTERNS: list[tuple[TaskKind, str]] = [
    ("vision", r"\b(image|images|photo|screenshot|scan|pdf|diagram|chart|ocr|vision|receipt|invoice scan)"),
    (
        "code",
        r"\b(code|coding|refactor|program|function|bug|pull request|repository|sql|python|typescript|agentic coding)",
    ),
    ("classification", r"\b(classif|categor|label|tag|triage|route|sentiment|intent|spam|moderat)"),
    ("extraction", r"\b(extract|parse|field|entities|entity|structured data|form|json from)"),
    ("summarization", r"\b(summar|digest|tl;?dr|condense|abstract)"),
    ("translation", r"\b(translat|locali[sz]|into (english|french|german|spanish|japanese|chinese))"),
    ("rag", r"\b(rag|retriev|knowledge base|documents? q&a|search results|cite sources|grounded)"),
    ("reasoning", r"\b(reason|plan|agent|multi-step|math|proof|analy[sz]e|research|decision)"),
    ("chat", r"\b(chat|support|assistant|conversation|customer|faq|helpdesk)"),
]
HIGH = r"\b(complex|hard|difficult|agentic|multi-step|novel|research|legal|medical|proof|architecture|autonomous)"
LOW = r"\b(simple|short|classif|categor|label|tag|extract|yes/no|sentiment|spam|triage|route|format)"


def infer_kind(task: str) -> TaskKind:
    text = task.lower()
    for kind, pattern in KIND_PATTERNS:
        if re.search(pattern, text):
            return kind
    return "chat"


def infer_complexity(task: str, kind: TaskKind) -> Complexity:
    text = task.lower()
    if re.search(HIGH, text):
        return "high"
    if kind in ("classification", "extraction", "translation") or re.search(LOW, text):
        return "low"
    if kind in ("reasoning", "code"):
        return "high" if re.search(r"\b(agent|autonom|whole|entire|large)", text) else "medium"
    return "medium"
