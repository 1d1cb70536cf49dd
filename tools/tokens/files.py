"""Read a prompt or messages file, refusing what is not text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InvalidInput

MAX_FILE_BYTES = 64 * 1024 * 1024


def read_text_file(path: str | Path) -> str:
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
    if b"\x00" in data[:8192]:
        raise InvalidInput(f"{file} looks binary (it has NUL bytes); give a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{file} is not valid UTF-8 (byte {exc.start}); convert it to UTF-8 first") from exc
    if not text.strip():
        raise InvalidInput(f"{file} is empty")
    return text


def read_json_file(path: str | Path) -> Any:
    text = read_text_file(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
