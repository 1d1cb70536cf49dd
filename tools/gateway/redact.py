"""PII redaction on the way out (secret scrubbing lives in `llmwright.secrets`).

Redaction replaces emails, phone numbers, card numbers (Luhn-checked), IBANs (mod-97
checked), US SSNs, IP addresses and API-key-shaped strings with placeholders such as
`<EMAIL_1>`; in "reversible" mode the placeholders in the answer are put back, so the
provider never sees the values but the caller reads them. The checksums keep order
numbers and timestamps from being mangled.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from llmwright.secrets import KEY_SHAPED


def _luhn(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def _ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# (label, pattern, validator): order matters, the more specific first.
PATTERNS: list[tuple[str, re.Pattern[str], Callable[[str], bool] | None]] = [
    ("KEY", KEY_SHAPED, None),
    ("EMAIL", re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b"), None),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"), _iban),
    ("CARD", re.compile(r"\b(?:\d[ \-]?){12,18}\d\b"), _luhn),
    ("SSN", re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"), None),
    ("IP", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}\b"), _ip),
    ("PHONE", re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .\-]?)?(?:\(\d{2,4}\)|\d{3})[ .\-]\d{3}[ .\-]\d{4}\b"), None),
]


class Redactor:
    """Replaces PII with numbered placeholders and remembers them to restore the answer."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}
        self._by_value: dict[str, str] = {}

    def redact(self, text: str) -> str:
        for label, pattern, valid in PATTERNS:
            text = pattern.sub(lambda m, label=label, valid=valid: self._replace(m, label, valid), text)
        return text

    def _replace(self, match: re.Match[str], label: str, valid: Callable[[str], bool] | None) -> str:
        value = match.group(0)
        if value.startswith("<") or (valid is not None and not valid(value)):
            return value
        if value not in self._by_value:
            count = sum(1 for p in self.found if p.startswith(f"<{label}_")) + 1
            placeholder = f"<{label}_{count}>"
            self._by_value[value] = placeholder
            self.found[placeholder] = value
        return self._by_value[value]

    def restore(self, text: str) -> str:
        for placeholder, value in self.found.items():
            text = text.replace(placeholder, value)
        return text

    def redact_messages(self, messages: list[dict]) -> list[dict]:
        out = []
        for message in messages:
            content = message.get("content")
            if isinstance(content, str):
                content = self.redact(content)
            elif isinstance(content, list):
                content = [
                    {**p, "text": self.redact(p["text"])}
                    if isinstance(p, dict) and isinstance(p.get("text"), str)
                    else p
                    for p in content
                ]
            out.append({**message, "content": content})
        return out
