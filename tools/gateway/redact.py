"""PII redaction on the way out (secret scrubbing lives in `llmwright.secrets`).

Redaction replaces emails, phone numbers, card numbers (Luhn-checked), IBANs (mod-97
checked), US SSNs, IP addresses and API-key-shaped strings with placeholders such as
`<EMAIL_1>`; in "reversible" mode the placeholders in the answer are put back, so the
provider never sees the values but the caller reads them. The checksums keep order
numbers and timestamps from being mangled.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from typing import Any

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


def _phone_span(value: str) -> tuple[int, int] | None:
    """The longest run of groups with 8 to 15 digits (E.164's most; fewer is a short code or a date).

    An international number has no fixed grouping, so the pattern may run on into a following
    number ("+44 20 7946 0958 2026-12-02"); the phone number is the part that fits.
    """
    ends = [m.end() for m in re.finditer(r"\d+", value)]
    fitting = (end for end in reversed(ends) if 8 <= sum(c.isdigit() for c in value[:end]) <= 15)
    return next(((0, end) for end in fitting), None)


# North American (+1 optional, area code in parentheses or not), or international: +CC then groups.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+\d{1,3}[ .\-]?)?(?:\(\d{2,4}\)|\d{3})[ .\-]\d{3}[ .\-]\d{4}"
    r"|\+\d{1,3}(?:[ .\-]\d{1,8}){2,5})\b"
)


def _card_shaped(candidate: str) -> bool:
    """Written as cards are: 13-19 digits in one run, in fours (the last group shorter), or 4-6-5 / 4-6-4."""
    if candidate.startswith("0"):  # ISO/IEC 7812: no payment card number starts with 0
        return False
    groups = [len(g) for g in re.split(r"[ \-]", candidate)]
    if len(set(re.findall(r"[ \-]", candidate))) > 1:
        return False
    return (
        len(groups) == 1
        or groups in ([4, 6, 5], [4, 6, 4])
        or (len(groups) >= 4 and set(groups[:-1]) == {4} and 1 <= groups[-1] <= 4)
    )


def _card_span(value: str) -> tuple[int, int] | None:
    """The first card-shaped, Luhn-valid run of whole digit groups in a run of numbers (the longest there).

    The pattern takes every run of numbers, so a card written next to another number
    ("ref 77 4111 1111 1111 1111", "001-01-0001 5100 0000 0000 0008") is still found.
    """
    groups = [m.span() for m in re.finditer(r"\d+", value)]
    for i, (start, _) in enumerate(groups):
        for _, end in reversed(groups[i : i + 5]):
            candidate = value[start:end]
            if _card_shaped(candidate) and _luhn(candidate):
                return start, end
    return None


# IBAN length by country (the IBAN registry), so a match that runs on into the next group
# ("GB82 WEST 1234 5698 7654 32 2026-12-02") is cut where the IBAN ends.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29,
    "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip


def _iban_span(value: str) -> tuple[int, int] | None:
    """The IBAN a match starts with: its country's length in whole groups, and mod-97 valid."""
    length, seen = IBAN_LENGTHS.get(value[:2]), 0
    for group in re.finditer(r"[A-Z0-9]+", value):
        seen += len(group.group())
        if seen == length:
            return (0, group.end()) if _iban(value[: group.end()]) else None
    return None


def _whole(valid: Callable[[str], bool]) -> Callable[[str], tuple[int, int] | None]:
    return lambda value: (0, len(value)) if valid(value) else None


# (label, pattern, the span of the match that is the value or None): order matters, the more specific first.
PATTERNS: list[tuple[str, re.Pattern[str], Callable[[str], tuple[int, int] | None]]] = [
    ("KEY", KEY_SHAPED, _whole(bool)),
    ("EMAIL", re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.(?:xn--[A-Za-z0-9\-]+|[A-Za-z]{2,})\b"), _whole(bool)),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"), _iban_span),
    ("CARD", re.compile(r"\b\d+(?:[ \-]\d+)+\b|\b\d{13,19}\b"), _card_span),
    ("SSN", re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"), _whole(bool)),
    ("IP", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{1,4}\b"), _whole(_ip)),
    ("PHONE", PHONE, _phone_span),
]


class Redactor:
    """Replaces PII with numbered placeholders and remembers them to restore the answer."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}
        self._by_value: dict[str, str] = {}

    def redact(self, text: str) -> str:
        for label, pattern, span in PATTERNS:
            text = self._redact(text, label, pattern, span)
        return text

    def _redact(self, text: str, label: str, pattern: re.Pattern[str], span: Callable) -> str:
        """Scan on from the end of each value, not of each match: a greedy match may end inside the next value."""
        out, position = [], 0
        while match := pattern.search(text, position):
            found = span(match.group(0))
            if found is None:
                out.append(text[position : match.end()])
                position = match.end()
                continue
            start, end = match.start() + found[0], match.start() + found[1]
            out += [text[position:start], self._placeholder(label, text[start:end])]
            position = end
        out.append(text[position:])
        return "".join(out)

    def _placeholder(self, label: str, value: str) -> str:
        if value not in self._by_value:
            count = sum(1 for p in self.found if p.startswith(f"<{label}_")) + 1
            self._by_value[value] = f"<{label}_{count}>"
            self.found[self._by_value[value]] = value
        return self._by_value[value]

    def restore(self, text: str) -> str:
        for placeholder, value in self.found.items():
            text = text.replace(placeholder, value)
        return text

    def redact_messages(self, messages: list[dict]) -> list[dict]:
        """Every text a provider reads: string or multi-part content, and tool call arguments."""
        return [self._message(message) for message in messages]

    def _message(self, message: dict) -> dict:
        out = dict(message)
        content = message.get("content")
        if isinstance(content, str):
            out["content"] = self.redact(content)
        elif isinstance(content, list):
            out["content"] = [
                {**p, "text": self.redact(p["text"])} if isinstance(p, dict) and isinstance(p.get("text"), str) else p
                for p in content
            ]
        if isinstance(message.get("tool_calls"), list):
            out["tool_calls"] = [self._tool_call(call) for call in message["tool_calls"]]
        return out

    def _tool_call(self, call: object) -> object:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("arguments"), str):
            return call
        return {**call, "function": {**function, "arguments": self._arguments(function["arguments"])}}

    def _arguments(self, arguments: str) -> str:
        """JSON arguments are redacted value by value: in the encoded text an escape such as `\\n`
        hides a value's start from the patterns, and a placeholder could split an escape."""
        try:
            value = json.loads(arguments)
        except ValueError:
            return self.redact(arguments)
        return json.dumps(self._json(value), ensure_ascii=False)

    def _json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self._json(item) for item in value]
        if isinstance(value, dict):
            return {key: self._json(item) for key, item in value.items()}
        return value
