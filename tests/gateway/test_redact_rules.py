"""Redaction rules, one by one: what reads as each kind of PII, and what must be left exactly as written.

Fast and table-driven, so a mutation run tries them before the property tests in test_redact.py.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwright.gateway.redact import IBAN_LENGTHS, Redactor

from .pii import IBAN_REGISTRY, PII, card_numbers, compact, ibans


@pytest.mark.parametrize("kind", sorted(PII))
@given(data=st.data())
@settings(deadline=None)
def test_each_kind_gets_its_own_numbered_placeholder(kind, data):
    first, second = data.draw(st.lists(PII[kind], min_size=2, max_size=2, unique_by=compact))
    label = {"email": "EMAIL", "phone": "PHONE", "card": "CARD", "iban": "IBAN", "ssn": "SSN", "key": "KEY"}[kind]
    redactor = Redactor()
    redacted = redactor.redact(f"first {first}, second {second}, first again {first}.")
    assert redacted == f"first <{label}_1>, second <{label}_2>, first again <{label}_1>."
    assert redactor.found == {f"<{label}_1>": first, f"<{label}_2>": second}


@given(card_numbers(), st.integers(1, 9))
@settings(deadline=None)
def test_numbers_that_fail_luhn_are_left_alone(card, shift):
    last = card[-1]
    not_a_card = card[:-1] + str((int(last) + shift) % 10)
    assert Redactor().redact(f"order {not_a_card} shipped") == f"order {not_a_card} shipped"


@given(ibans(), st.integers(1, 96))
@settings(deadline=None)
def test_iban_lookalikes_that_fail_mod_97_are_left_alone(iban, shift):
    country, check, rest = iban[:2], int(iban[2:4]), iban[4:]
    wrong = f"{country}{(check + shift) % 97 + 2:02d}{rest}"
    if wrong == iban:
        return
    redactor = Redactor()
    redactor.redact(f"ref {wrong}.")
    assert not any(p.startswith("<IBAN_") for p in redactor.found)  # its digits may still read as a card


@pytest.mark.parametrize(
    "text",
    [
        "Build 2026-12-02 12:30:45, order #1042 for $19.99, version 2.3.1, port 8080.",
        "Tracking 1Z999AA10123456784, ISBN 978-3-16-148410-0, invoice 12345678.",
        "The answer is <EMAIL_1>.",
        "Call between 9 and 5, room 101-202.",
    ],
)
def test_ordinary_numbers_and_placeholders_are_left_alone(text):
    redactor = Redactor()
    assert redactor.redact(text) == text and redactor.found == {}


def test_ip_addresses_are_redacted_only_when_valid():
    redactor = Redactor()
    text = "from 192.168.1.20 and 2001:db8::1 and 2001:0db8:85a3:0000:0000:8a2e:0370:7334, not 999.1.1.1"
    redacted = redactor.redact(text)
    assert "192.168.1.20" not in redacted and "2001:0db8:85a3" not in redacted
    assert "999.1.1.1" in redacted and redactor.restore(redacted) == text


@pytest.mark.parametrize(
    ("number", "redacted"),
    [
        ("4222222222222", True),  # 13 digits, an early Visa length
        ("4111 1111 1111 1111", True),
        ("3782 822463 10005", True),  # American Express, 4-6-5
        ("3056 930902 5904", True),  # Diners Club, 4-6-4
        ("6011-0000-0000-0004", True),
        ("4000 0000 0000 0000 006", True),  # 19 digits, 4-4-4-4-3
        ("6759 0000 0000 0000 5", True),  # Maestro, 17 digits
        ("6759 0000 0000 0000 00", True),  # Maestro, 18 digits
        ("400000000000000000006", False),  # 21 digits: longer than any card
        ("4000 0000 0000 0000 0002", False),  # 20 digits, Luhn-valid, in fours: still too long
        ("0000 0000 0000 0000", False),  # no card number starts with 0
        ("4111 1111-1111 1111", False),  # one number is written with one separator
        ("41 1111 1111 1111 11", False),  # not a card's grouping
        ("7 424242424242", False),  # 12 digits (Luhn-valid) after another number
        ("4111 11 1111 1111 11", False),  # Luhn-valid digits, but not a card's grouping
        ("4111 1111 1111 11113", False),  # Luhn-valid, 17 digits, but a last group of five
    ],
)
def test_what_reads_as_a_card(number: str, redacted: bool) -> None:
    redactor = Redactor()
    text = redactor.redact(f"paid with {number} today")
    assert text == ("paid with <CARD_1> today" if redacted else f"paid with {number} today")
    assert redactor.restore(text) == f"paid with {number} today"


@pytest.mark.parametrize(
    ("number", "redacted"),
    [
        ("+44 20 7946 0958", True),
        ("+49 30 1234567", True),  # 11 digits
        ("+1 202 555", False),  # 7 digits: not a full number
        ("+43 1 234 56", True),  # 8 digits, the fewest a number has
        ("+86 1391 2345 67890", True),  # 15 digits, E.164's most
        ("+86 1391 2345678901", False),  # 16 digits
        ("(415) 555-0100", True),
        ("415.555.0100", True),
    ],
)
def test_what_reads_as_a_phone_number(number: str, redacted: bool) -> None:
    text = Redactor().redact(f"call {number}.")
    assert text == ("call <PHONE_1>." if redacted else f"call {number}.")


def test_iban_lengths_are_the_registrys() -> None:
    """Checked against python-stdnum's copy of the IBAN registry: a wrong length means a missed IBAN."""
    registry = {country: 4 + sum(n for n, _ in parts) for country, parts in IBAN_REGISTRY.items()}
    assert registry == IBAN_LENGTHS


def test_tool_call_arguments_are_redacted_value_by_value_and_odd_calls_pass_through() -> None:
    nested = {"to": ["jane@example.com", {"card": "4111 1111 1111 1111"}], "n": 3, "ok": True, "none": None}
    calls = [
        {"id": "1", "type": "function", "function": {"name": "a", "arguments": json.dumps(nested)}},
        {"id": "2", "type": "function", "function": {"name": "b", "arguments": "not JSON: call (415) 555-0100"}},
        {"id": "3", "type": "function", "function": {"name": "c"}},
        {"id": "4", "type": "function", "function": {"name": "d", "arguments": {"already": "parsed"}}},
        "not a call",
    ]
    redactor = Redactor()
    (sent,) = redactor.redact_messages([{"role": "assistant", "content": None, "tool_calls": calls}])
    first, second, *rest = sent["tool_calls"]
    assert json.loads(first["function"]["arguments"]) == {
        "to": ["<EMAIL_1>", {"card": "<CARD_1>"}],
        "n": 3,
        "ok": True,
        "none": None,
    }
    assert second["function"]["arguments"] == "not JSON: call <PHONE_1>"
    assert rest == calls[2:] and sent["content"] is None
    assert redactor.restore(first["function"]["arguments"]) == json.dumps(nested)


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        # E.164 numbers hold at most 15 digits: a 16th, in a group of its own, is the next number.
        ("call +44 20 7946 0958 123 4 now", "call <PHONE_1> 4 now"),
        # A card after another number in one run: the placeholder starts where the card does.
        ("ref 77 4111 1111 1111 1111", "ref 77 <CARD_1>"),
        # Luhn-valid, but a 2-digit group before the last is not how cards are written (nor is its
        # 14-digit first part Luhn-valid): left as written.
        ("ref 4111 1111 1111 00 9", "ref 4111 1111 1111 00 9"),
    ],
)
def test_where_a_phone_or_card_number_starts_and_ends(text, redacted):
    assert Redactor().redact(text) == redacted


def test_tool_arguments_keep_their_non_ascii_text_as_written():
    """Only the PII changes: `café` is not re-encoded as `caf\\u00e9` (more tokens, other bytes)."""
    redactor = Redactor()
    assert redactor._arguments('{"note": "café, card 4111 1111 1111 1111"}') == '{"note": "café, card <CARD_1>"}'
