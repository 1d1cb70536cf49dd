"""tiktoken encodings loaded from files shipped in the package, never from the network.

tiktoken normally downloads its BPE files on first use (and caches them under a temp
dir); air-gapped machines cannot. We ship `cl100k_base` and `o200k_base` (taken from
public registry packages) and check each against the SHA-256 that tiktoken's own
`tiktoken_ext/openai_public.py` expects before building the `Encoding`. Nothing here
touches `TIKTOKEN_CACHE_DIR` or any other process-wide setting.

Counting goes through a `Tokenizer`. Building the full 200k-token `Encoding` takes ~0.3 s,
most of a short `llmwright estimate`; a short text is counted instead with an encoding
whose vocabulary is cut to the tokens that occur as substrings of its pre-tokenizer pieces.
That count is exact: byte-pair merging inside a piece only ever forms substrings of the
piece, so every merge the full encoding would make is still available, with its rank.
Long texts, and pieces too long to enumerate, use the full encoding.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from functools import cache, cached_property
from importlib import resources
from typing import Any

import regex
import tiktoken
from tiktoken_ext import openai_public

from ..errors import LLMWrightError

EXPECTED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
SHIPPED = tuple(EXPECTED_SHA256)
# A text up to this long is counted with a vocabulary cut to its own substrings (milliseconds).
CUT_TEXT_CHARS = 20_000
# Longer pieces (a long run of spaces or dashes) would mean too many substrings to look up.
CUT_PIECE_BYTES = 64
_PATCH_LOCK = threading.Lock()


class EncodingFileCorrupt(LLMWrightError):
    """A shipped encoding file does not match its published hash: reinstall llmwright."""


def encoding_bytes(name: str) -> bytes:
    return resources.files("llmwright.tokens").joinpath("encodings").joinpath(f"{name}.tiktoken").read_bytes()


def _verified(name: str) -> bytes:
    contents = encoding_bytes(name)
    digest = hashlib.sha256(contents).hexdigest()
    if digest != EXPECTED_SHA256[name]:
        raise EncodingFileCorrupt(
            f"shipped encoding {name} has SHA-256 {digest}, expected {EXPECTED_SHA256[name]}; reinstall llmwright"
        )
    return contents


def _ranks(name: str) -> dict[bytes, int]:
    fields = _verified(name).split()  # "token rank" per line; one split and two maps are ~2x a per-line loop
    return dict(zip(map(binascii.a2b_base64, fields[0::2]), map(int, fields[1::2]), strict=True))


def _recipe(name: str, ranks: dict[bytes, int]) -> dict[str, Any]:
    """tiktoken's own pattern and special tokens for `name`, with the given ranks.

    The constructor in `openai_public` would download; for the length of the call its
    loader is swapped for ours, under a lock so concurrent first uses cannot mix files.
    """
    with _PATCH_LOCK:
        original = openai_public.load_tiktoken_bpe
        openai_public.load_tiktoken_bpe = lambda *_args, **_kwargs: ranks  # type: ignore[assignment]
        try:
            return getattr(openai_public, name)()
        finally:
            openai_public.load_tiktoken_bpe = original


def _constructor(name: str) -> dict[str, Any]:
    return _recipe(name, _ranks(name))


@cache
def get_encoding(name: str) -> tiktoken.Encoding:
    if name not in EXPECTED_SHA256:
        raise LLMWrightError(f"encoding {name!r} is not shipped; shipped: {', '.join(SHIPPED)}")
    return tiktoken.Encoding(**_constructor(name))


class Tokenizer:
    """Exact token counts in one shipped encoding, fast for short texts (see the module docstring)."""

    def __init__(self, name: str) -> None:
        if name not in EXPECTED_SHA256:
            raise LLMWrightError(f"encoding {name!r} is not shipped; shipped: {', '.join(SHIPPED)}")
        self.name = name

    @cached_property
    def _recipe(self) -> dict[str, Any]:
        return _recipe(self.name, {})

    @cached_property
    def _pieces(self) -> Any:
        return regex.compile(self._recipe["pat_str"])

    @cached_property
    def _table(self) -> dict[bytes, bytes]:
        """base64 token -> rank, undecoded: ~4x quicker to build than the ranks the full encoding needs."""
        fields = _verified(self.name).split()
        return dict(zip(fields[0::2], fields[1::2], strict=True))

    @cached_property
    def _single_bytes(self) -> dict[bytes, int]:
        return {bytes([b]): int(self._table[base64.b64encode(bytes([b]))]) for b in range(256)}

    def encode_ordinary(self, text: str) -> list[int]:
        if len(text) > CUT_TEXT_CHARS:
            return get_encoding(self.name).encode_ordinary(text)
        pieces = {piece.encode("utf-8") for piece in self._pieces.findall(text)}
        if any(len(piece) > CUT_PIECE_BYTES for piece in pieces):
            return get_encoding(self.name).encode_ordinary(text)
        ranks = dict(self._single_bytes)
        table = self._table
        for piece in pieces:
            size = len(piece)
            for start in range(size):
                for end in range(start + 2, size + 1):
                    rank = table.get(base64.b64encode(piece[start:end]))
                    if rank is not None:
                        ranks[piece[start:end]] = int(rank)
        cut = tiktoken.Encoding(
            name=f"{self.name} (cut)", pat_str=self._recipe["pat_str"], mergeable_ranks=ranks, special_tokens={}
        )
        return cut.encode_ordinary(text)


@cache
def tokenizer(name: str) -> Tokenizer:
    return Tokenizer(name)
