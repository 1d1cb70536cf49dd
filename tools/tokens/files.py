"""Read a prompt or messages file (or `-`, standard input), refusing what is not text."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..errors import InvalidInput

MAX_FILE_BYTES = 64 * 1024 * 1024
STDIN = "-"


def read_stdin() -> str:
    """Standard input as text, with the same refusals as a file (binary, not UTF-8, empty, too large)."""
    if sys.stdin is None or sys.stdin.isatty():
        raise InvalidInput("'-' reads standard input, but it is a terminal: pipe the text in (… | llmwright …)")
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"standard input is over {MAX_FILE_BYTES // 2**20} MB, the limit")
    return decode_text(data, "standard input")


def decode_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise InvalidInput(f"{name} looks binary (it has NUL bytes); give text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name} is not valid UTF-8 (byte {exc.start}); convert it to UTF-8 first") from exc
    if not text.strip():
        raise InvalidInput(f"{name} is empty")
    return text


def read_text_file(path: str | Path) -> str:
    """A text file's contents; `-` reads standard input."""
    if str(path) == STDIN:
        return read_stdin()
    file = Path(path)
    if not file.exists():
        raise InvalidInput(f"file not found: {file}")
    if not file.is_file():
        raise InvalidInput(f"not a regular file: {file}")
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput(f"{file} is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB")
        data = file.read_bytes()
    except PermissionError as exc:
        raise InvalidInput(f"cannot read {file}: permission denied") from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror or exc}") from exc
    return decode_text(data, str(file))


def read_json_file(path: str | Path) -> Any:
    """A JSON file's value; `-` reads standard input."""
    text = read_text_file(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
