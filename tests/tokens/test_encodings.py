"""The shipped tiktoken files are the published ones, and counting works with no network."""

from __future__ import annotations

import hashlib
import inspect
import re
import subprocess
import sys

import pytest
from tiktoken_ext import openai_public

from llmwright.tokens.encodings import EXPECTED_SHA256, encoding_bytes, get_encoding


def _published_hashes() -> dict[str, str]:
    """The SHA-256 that tiktoken's own openai_public.py expects for each file."""
    hashes = {}
    for name in EXPECTED_SHA256:
        source = inspect.getsource(getattr(openai_public, name))
        hashes[name] = re.search(r'expected_hash="([0-9a-f]{64})"', source).group(1)
    return hashes


@pytest.mark.parametrize("name", sorted(EXPECTED_SHA256))
def test_shipped_file_matches_tiktokens_published_hash(name: str) -> None:
    assert hashlib.sha256(encoding_bytes(name)).hexdigest() == _published_hashes()[name]


@pytest.mark.parametrize(
    ("name", "text", "tokens"),
    [
        ("cl100k_base", "tiktoken is great!", [83, 1609, 5963, 374, 2294, 0]),
        ("cl100k_base", "hello world", [15339, 1917]),
        ("o200k_base", "hello world", [24912, 2375]),
    ],
)
def test_known_token_ids(name: str, text: str, tokens: list[int]) -> None:
    assert get_encoding(name).encode(text) == tokens


def test_counts_with_the_network_unreachable(tmp_path) -> None:
    """A fresh interpreter whose sockets refuse to connect still counts tokens and prices calls."""
    script = tmp_path / "offline.py"
    script.write_text(
        "import socket\n"
        "def refuse(*a, **k):\n    raise OSError('network is unplugged')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from llmwright.estimate import EstimateRequest, estimate\n"
        "r = estimate(EstimateRequest(models=['openai:gpt-4o', 'anthropic:claude-sonnet-4-5'], text='Hello world'))\n"
        "print(r.results[0].tokens.tokens, r.results[0].tokens.method, r.results[1].tokens.method,\n"
        "      r.results[0].cost.per_call_usd > 0)\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "TIKTOKEN_CACHE_DIR": str(tmp_path / "empty-cache"),
        "HOME": str(tmp_path),
        "LLMWRIGHT_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "exact", "estimate", "True"]


def _samples() -> list[str]:
    """Prose, code, JSON, CJK, emoji, digits, odd whitespace and punctuation runs: what prompts hold."""
    import sysconfig
    from pathlib import Path

    code = (Path(sysconfig.get_paths()["stdlib"]) / "textwrap.py").read_text(encoding="utf-8")
    samples = [code[i : i + 3000] for i in range(0, len(code), 3000)]
    samples += [
        "Summarise this support ticket in one sentence: my invoice shows two charges for March.",
        '{"id": 42, "items": [{"sku": "A-1001", "qty": 3, "price": 19.99}], "note": null}\n',
        "日本語のテキストと中文混合，还有한국어 문장도 있습니다。",
        "Emoji 🤖🚀👩‍💻 and accents: naïve café, Ærøskøbing, Straße — “quotes” ‘too’",
        "1234567890 3.14159 1e-10 0xDEADBEEF 2026-12-02T03:04:05Z",
        "a" * 60 + " " + "b" * 63 + "\n\n\n   \t\t  trailing   ",
        "=" * 64 + "\n" + "-" * 10 + "|" * 7,
        "x",
        " ",
        "Don't you've we'll they'd I'M SHOUTING'S",
    ]
    return samples


@pytest.mark.parametrize("name", sorted(EXPECTED_SHA256))
def test_the_cut_vocabulary_counts_exactly_what_the_full_encoding_counts(name: str) -> None:
    from llmwright.tokens.encodings import CUT_TEXT_CHARS, tokenizer

    full = get_encoding(name)
    for text in _samples():
        assert len(text) <= CUT_TEXT_CHARS
        assert tokenizer(name).encode_ordinary(text) == full.encode_ordinary(text), text[:60]
