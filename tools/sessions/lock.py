"""One lock per project's sessions: whoever holds it may start, append to or close a session.

A single lock (`active/.lock`, beside the session files) rather than one per file, so
"is a session active?" and "append to it" are one atomic step: an append can never land
in a file that `close` is moving away, and two `start`s cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from .location import SessionsDir
from .models import SessionError

LOCK_NAME = ".lock"
LOCK_TIMEOUT_S = 30.0


@contextmanager
def sessions_lock(sessions: SessionsDir, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    path = sessions.active / LOCK_NAME
    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise SessionError(
            f"could not lock {sessions.display(path)} within {timeout:g} s: another llmwright process holds it; "
            "try again, or delete the lock file if no llmwright process is running"
        ) from exc
    try:
        yield
    finally:
        lock.release()
