"""tiktoken encodings loaded from files shipped in the package, never from the network.

tiktoken normally downloads its BPE files on first use (and caches them under a temp
dir); air-gapped machines cannot. We ship `cl100k_base` and `o200k_base` (taken from
public registry packages) and check each against the SHA-256 that tiktoken's own
`tiktoken_ext/openai_public.py` expects before building the `Encoding`. Nothing here
touches `TIKTOKEN_CACHE_DIR` or any other process-wide setting.
"""

from __future__ import annotations

import binascii
import hashlib
import threading
from functools import cache
from importlib import resources

import tiktoken
from tiktoken_ext import openai_public

from ..errors import LLMWrightError

EXPECTED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
SHIPPED = tuple(EXPECTED_SHA256)
_PATCH_LOCK = threading.Lock()


class EncodingFileCorrupt(LLMWrightError):
    """A shipped encoding file does not match its published hash: reinstall llmwright."""


def encoding_bytes(name: str) -> bytes:
    return resources.files("llmwright.tokens").joinpath("encodings").joinpath(f"{name}.tiktoken").read_bytes()


def _ranks(name: str) -> dict[bytes, int]:
    contents = encoding_bytes(name)
    digest = hashlib.sha256(contents).hexdigest()
    if digest != EXPECTED_SHA256[name]:
        raise EncodingFileCorrupt(
            f"shipped encoding {name} has SHA-256 {digest}, expected {EXPECTED_SHA256[name]}; reinstall llmwright"
        )
    fields = contents.split()  # "token rank" per line; one split and two maps are ~2x a per-line loop
    return dict(zip(map(binascii.a2b_base64, fields[0::2]), map(int, fields[1::2]), strict=True))


def _constructor(name: str) -> dict:
    """tiktoken's own pattern and special tokens for `name`, with our verified ranks.

    The constructor in `openai_public` would download; for the length of the call its
    loader is swapped for ours, under a lock so concurrent first uses cannot mix files.
    """
    ranks = _ranks(name)
    with _PATCH_LOCK:
        original = openai_public.load_tiktoken_bpe
        openai_public.load_tiktoken_bpe = lambda *_args, **_kwargs: ranks  # type: ignore[assignment]
        try:
            return getattr(openai_public, name)()
        finally:
            openai_public.load_tiktoken_bpe = original


@cache
def get_encoding(name: str) -> tiktoken.Encoding:
    if name not in EXPECTED_SHA256:
        raise LLMWrightError(f"encoding {name!r} is not shipped; shipped: {', '.join(SHIPPED)}")
    return tiktoken.Encoding(**_constructor(name))
