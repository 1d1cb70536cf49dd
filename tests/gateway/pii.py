"""Hypothesis strategies for the PII the gateway promises to redact, each valid by its own rule.

Cards pass Luhn, IBANs pass mod-97, SSNs avoid the never-issued areas, phone numbers are the
shapes people write (North American with or without +1, and international with a + prefix),
and keys have the shapes of real provider keys. Filler text around them includes numbers that
must survive (years, prices, order numbers, expiry dates).
"""

from __future__ import annotations

import re
import string
from importlib import resources

from hypothesis import strategies as st
from stdnum import iban as stdnum_iban

_SEPARATORS = re.compile(r"[\s.\-()+/]")


def compact(text: str) -> str:
    """Separators dropped, so a value broken up or half-replaced still shows."""
    return _SEPARATORS.sub("", text)


ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits


def _text(alphabet: str, size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=size, max_size=size)


def luhn_complete(partial: str) -> str:
    """`partial` plus the check digit that makes it Luhn-valid."""
    total = 0
    for i, char in enumerate(reversed(partial)):
        d = int(char)
        if i % 2 == 0:  # these double once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return partial + str((10 - total % 10) % 10)


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    prefix, length, groups = draw(
        st.sampled_from(
            [("4", 16, (4, 4, 4, 4)), ("51", 16, (4, 4, 4, 4)), ("55", 16, (4, 4, 4, 4)), ("37", 15, (4, 6, 5))]
        )
    )
    digits = luhn_complete(prefix + draw(_text(string.digits, length - len(prefix) - 1)))
    separator = draw(st.sampled_from(["", " ", "-"]))
    parts, start = [], 0
    for size in groups:
        parts.append(digits[start : start + size])
        start += size
    return separator.join(parts)


def _iban_registry() -> dict[str, list[tuple[int, str]]]:
    """Country -> BBAN structure, from python-stdnum's copy of the IBAN registry (e.g. GB: 4!a6!n8!n)."""
    text = resources.files("stdnum").joinpath("iban.dat").read_text(encoding="utf-8")
    rows = re.findall(r'^([A-Z]{2}) .*bban="([^"]+)"', text, flags=re.MULTILINE)
    return {country: [(int(n), kind) for n, kind in re.findall(r"(\d+)!([nac])", bban)] for country, bban in rows}


IBAN_REGISTRY = _iban_registry()
_BBAN_ALPHABETS = {"n": string.digits, "a": string.ascii_uppercase, "c": UPPER_DIGITS}


@st.composite
def ibans(draw: st.DrawFn) -> str:
    """A valid IBAN of any registry country, compact or in groups of four."""
    country = draw(st.sampled_from(sorted(IBAN_REGISTRY)))
    bban = "".join(draw(_text(_BBAN_ALPHABETS[kind], n)) for n, kind in IBAN_REGISTRY[country])
    compact = country + stdnum_iban.calc_check_digits(country + "00" + bban) + bban
    if draw(st.booleans()):
        return compact
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@st.composite
def ssns(draw: st.DrawFn) -> str:
    area = draw(st.integers(1, 899).filter(lambda n: n != 666))
    return f"{area:03d}-{draw(st.integers(1, 99)):02d}-{draw(st.integers(1, 9999)):04d}"


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    area, exchange = draw(st.integers(200, 999)), draw(st.integers(200, 999))
    line = f"{draw(st.integers(0, 9999)):04d}"
    if draw(st.booleans()):
        shape = draw(
            st.sampled_from(
                ["({a}) {e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "{a} {e} {l}", "+1 {a}-{e}-{l}", "+1 ({a}) {e}-{l}"]
            )
        )
        return shape.format(a=area, e=exchange, l=line)
    return draw(
        st.sampled_from(
            [
                f"+44 20 {exchange}{line[0]} {line[1:]}{area % 10}",
                f"+44 7{area} {exchange}{line[:3]}",
                f"+49 30 {exchange}{line}",
                f"+33 1 {area % 100:02d} {exchange % 100:02d} {line[:2]} {line[2:]}",
                f"+91 {area}{line[:2]} {exchange}{line[2:]}",
            ]
        )
    )


@st.composite
def emails(draw: st.DrawFn) -> str:
    local_chars = string.ascii_lowercase + string.digits
    local = draw(_text(local_chars, draw(st.integers(1, 12))))
    local += draw(st.sampled_from(["", ".smith", "+tag", "_x", "-2"]))
    labels = draw(
        st.lists(_text(string.ascii_lowercase + string.digits, draw(st.integers(2, 10))), min_size=1, max_size=3)
    )
    tld = draw(st.sampled_from(["com", "org", "io", "co.uk", "de", "museum", "xn--p1ai"]))
    return f"{local}@{'.'.join(labels)}.{tld}"


@st.composite
def api_keys(draw: st.DrawFn) -> str:
    body = _text(ALNUM, draw(st.integers(36, 48)))
    return draw(
        st.sampled_from(["sk-", "sk-proj-", "sk-ant-api03-", "ghp_", "hf_", "gsk_"]).flatmap(
            lambda prefix: body.map(lambda b: prefix + b)
        )
        | _text(UPPER_DIGITS, 16).map(lambda b: "AKIA" + b)
        | _text(ALNUM, 35).map(lambda b: "AIza" + b)
    )


PII = {
    "email": emails(),
    "phone": phone_numbers(),
    "card": card_numbers(),
    "iban": ibans(),
    "ssn": ssns(),
    "key": api_keys(),
}
pii = st.one_of(*PII.values())

# Text around the values: words, punctuation and numbers that are not PII and must stay.
FILLER_WORDS = ["Hello", "please", "call", "me", "at", "or", "order", "#1042", "on", "2026-12-02", "for", "$19.99",
                "exp", "12/26", "ref", "A-77", "v2.3.1", "x", "pay", "to"]  # fmt: skip
SEPARATORS = [" ", ", ", "\n", ": ", " (", ") ", "; "]


@st.composite
def text_with_pii(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A message text and the PII values it holds."""
    values = draw(st.lists(pii, min_size=1, max_size=4))
    pieces: list[str] = []
    for value in values:
        pieces += draw(st.lists(st.sampled_from(FILLER_WORDS), max_size=3))
        pieces.append(value)
    pieces += draw(st.lists(st.sampled_from(FILLER_WORDS), max_size=3))
    # Two values with only a space between them read as one number to anyone (is "+44 20 7946 0958
    # 415 555 0100" one phone number or two?); a word or punctuation between them is assumed.
    text, previous_was_pii = "", False
    for piece in pieces:
        is_pii = piece in values
        separators = SEPARATORS[1:] if previous_was_pii and is_pii else SEPARATORS
        text += (draw(st.sampled_from(separators)) if text else "") + piece
        previous_was_pii = is_pii
    return text, values
