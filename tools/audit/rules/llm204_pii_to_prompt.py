"""LLM204 pii-to-prompt."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..module import ModuleModel, dotted
from ..rule import Hit, Rule

PII = re.compile(
    r"(^|_)(e_?mail|phone|phone_number|mobile|ssn|social_security(_number)?|tax_id|national_id|passport(_number)?"
    r"|dob|date_of_birth|birth_?date|birthday|home_address|street_address|postal_address|address"
    r"|credit_card|card_number|iban)(_|$)",
    re.IGNORECASE,
)
NOT_PII = re.compile(r"(ip_address|mac_address|base_url|address_family|email_template|_count|_id$|is_|has_)", re.I)
REDACTION = re.compile(r"(redact|mask|anonymi[sz]e|scrub|pseudonymi[sz]e|presidio|sanitiz|hash)", re.IGNORECASE)


def _field(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    if isinstance(node, ast.Name):
        return node.id
    return None


def _pii_fields(expr: ast.AST) -> list[str]:
    """PII-looking fields interpolated into a prompt string."""
    out = []
    for node in ast.walk(expr):
        if isinstance(node, ast.FormattedValue):
            name = _field(node.value)
            if name and PII.search(name) and not NOT_PII.search(name):
                out.append(name)
    return out


class PiiToPrompt(Rule):
    """## What it does
    Flags fields that look like personal data (email, phone, SSN, address, date of birth,
    passport, card number) formatted into a prompt sent to an LLM, in a function with no
    redaction step (`redact`, `mask`, `anonymize`, Presidio…).

    ## Why is this bad?
    Prompts leave your infrastructure, may be logged or retained by the provider, and
    show up in your own traces. Sending personal data there without need breaks data
    minimisation (GDPR art. 5, HIPAA) and widens every future leak.

    ## Example
    ```python
    prompt = f"Write a renewal reminder for {user.name} ({user.email}, {user.phone})"
    ```

    ## Use instead
    ```python
    prompt = f"Write a renewal reminder for {user.first_name}"  # add contact details after generation
    ```
    """

    id = "LLM204"
    name = "pii-to-prompt"
    title = "Personal data sent in a prompt without redaction"
    category = "security"
    severity = "medium"
    fix = (
        "Leave personal fields out of prompts, or redact them first (presidio, a mask() step) and re-insert afterwards."
    )

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        redacting: dict[int, bool] = {}
        prompts: dict[int, dict[str, list[ast.JoinedStr]]] = {}
        for call in mod.calls:
            if call.kind in ("embed", "image", "audio", "moderation"):
                continue
            scope = mod.scope(call.node)
            if id(scope) not in redacting:
                redacting[id(scope)] = any(REDACTION.search(dotted(c.func) or "") for c in scope.calls)
                built: dict[str, list[ast.JoinedStr]] = {}
                for targets, value in scope.assigns:
                    if isinstance(value, ast.JoinedStr):
                        for target in targets:
                            if isinstance(target, ast.Name):
                                built.setdefault(target.id, []).append(value)
                prompts[id(scope)] = built
            if redacting[id(scope)]:
                continue
            prompt_names = set()
            for arg in [*call.node.args, *(k.value for k in call.node.keywords)]:
                prompt_names |= {n.id for n in ast.walk(arg) if isinstance(n, ast.Name)}
                yield from self._report(arg)
            for name in prompt_names:
                for value in prompts[id(scope)].get(name, ()):
                    yield from self._report(value)

    def _report(self, expr: ast.AST) -> Iterator[Hit]:
        for joined in (n for n in ast.walk(expr) if isinstance(n, ast.JoinedStr)):
            fields = _pii_fields(joined)
            if fields:
                yield Hit(joined, f"personal data ({', '.join(sorted(set(fields)))}) in a prompt with no redaction")
                return


RULE = PiiToPrompt
