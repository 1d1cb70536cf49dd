"""Secrets never leave llmwright: key values from the environment and key-shaped strings are scrubbed."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwright import secrets
from llmwright.secrets import KEY_SHAPED, key_variables, redact_secrets, register_key_env, scrub_secrets

SHAPED = [
    "sk-abcdefghijklmnop0123",
    "sk-proj-ABCDEFGHIJKLMNOPQRSTUV_-12",
    "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_" + "a1" * 18,
    "xoxb-1234567890-abcdef",
    "AIza" + "B" * 35,
    "hf_" + "c3" * 16,
    "gsk_" + "D4" * 20,
]


@pytest.fixture(autouse=True)
def _no_registered_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no variable registered by a config file, and none credential-named but its own."""
    monkeypatch.setattr(secrets, "_registered", set())
    for name in list(key_variables()):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("key", SHAPED)
def test_every_key_shape_is_scrubbed_wherever_it_appears(key: str) -> None:
    text = f"error from provider: key={key}, retry later"
    assert scrub_secrets(text) == "error from provider: key=***, retry later"
    assert redact_secrets(text) == ("error from provider: key=***, retry later", 1)


@pytest.mark.parametrize("text", ["sk-short123", "sk-" + "a" * 15, "AKIA123", "the task-list and risk-free plans"])
def test_text_that_only_resembles_a_key_is_kept(text: str) -> None:
    assert scrub_secrets(text) == text and redact_secrets(text) == (text, 0)


def test_the_value_of_a_provider_key_variable_is_scrubbed_even_when_not_key_shaped(monkeypatch) -> None:
    monkeypatch.setenv("GROQ_API_KEY", "groq-canary-value-4242")
    assert scrub_secrets("upstream said groq-canary-value-4242 twice: groq-canary-value-4242") == (
        "upstream said *** twice: ***"
    )


def test_a_variable_a_config_file_names_is_scrubbed_once_registered(monkeypatch) -> None:
    monkeypatch.setenv("LOCAL_LLM_KEY", "local-box-secret-99")
    assert scrub_secrets("got local-box-secret-99") == "got local-box-secret-99"
    register_key_env("LOCAL_LLM_KEY")
    assert scrub_secrets("got local-box-secret-99") == "got ***"
    assert "LOCAL_LLM_KEY" in key_variables()
    register_key_env("")
    assert "" not in secrets._registered


def test_credential_named_variables_count_as_keys(monkeypatch) -> None:
    monkeypatch.setenv("BILLING_SERVICE_TOKEN", "tok-12345678")
    monkeypatch.setenv("db_password", "hunter2hunter2")
    monkeypatch.setenv("TOKENIZER_PATH", "/opt/tokenizers")
    names = key_variables()
    assert {"BILLING_SERVICE_TOKEN", "db_password", "OPENAI_API_KEY"} <= set(names)
    assert "TOKENIZER_PATH" not in names and names == sorted(names)
    assert redact_secrets("tok-12345678 and hunter2hunter2 in /opt/tokenizers") == (
        "*** and *** in /opt/tokenizers",
        2,
    )
    # An explicit list replaces the default one.
    assert redact_secrets("tok-12345678", ["db_password"]) == ("tok-12345678", 0)


def test_values_of_eight_characters_or_more_are_scrubbed_shorter_ones_are_too_common(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "abcd1234")
    assert scrub_secrets("key abcd1234 here") == "key *** here"
    monkeypatch.setenv("OPENAI_API_KEY", "abc1234")
    assert scrub_secrets("key abc1234 here") == "key abc1234 here"


def test_the_count_is_of_secrets_removed_not_of_placeholders_present(monkeypatch) -> None:
    key = SHAPED[0]
    assert redact_secrets(f"already *** masked, and {key}") == ("already *** masked, and ***", 1)
    assert redact_secrets(f"*** *** {key} {SHAPED[3]}")[1] == 2
    monkeypatch.setenv("OPENAI_API_KEY", "*" * 9)  # a value made of the placeholder's own character
    assert redact_secrets("*" * 9)[1] == 0


key_shaped = st.sampled_from(["sk-", "sk-proj-", "sk-ant-api03-", "hf_", "gsk_", "ghp_"]).flatmap(
    lambda prefix: st.text(string.ascii_letters + string.digits, min_size=32, max_size=48).map(lambda b: prefix + b)
)
prose = st.text(string.ascii_letters + " .,:;()\n", max_size=40)


@given(st.lists(st.tuples(prose, key_shaped), min_size=1, max_size=5), prose)
@settings(deadline=None)
def test_no_key_shaped_string_survives_scrubbing(pieces, tail) -> None:
    text = "".join(f"{before} {key} " for before, key in pieces) + tail
    scrubbed, found = redact_secrets(text)
    assert KEY_SHAPED.search(scrubbed) is None
    assert all(key not in scrubbed for _, key in pieces)
    assert found == len(pieces)
