"""Find the Python files to audit: respect .gitignore, skip environments and vendored code.

Never follows a symlink out of the root, and never loops: directories are tracked by
their resolved path, and symlinked files must resolve inside the root.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

import pathspec

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        "env",
        ".env",
        ".tox",
        ".nox",
        "site-packages",
        "dist",
        "build",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "vendor",
        "_vendor",
        "vendored",
        "third_party",
        ".idea",
        ".vscode",
    }
)


def _is_venv(path: Path) -> bool:
    try:
        return (path / "pyvenv.cfg").is_file() or (path / "conda-meta").is_dir()
    except OSError:
        return False


def _gitignore(directory: Path, root: Path) -> pathspec.PathSpec | None:
    file = directory / ".gitignore"
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    prefix = directory.relative_to(root).as_posix()
    if prefix == ".":
        prefix = ""
    anchored = []
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        negate = stripped.startswith("!")
        pattern = stripped.lstrip("!")
        if prefix:
            pattern = f"{prefix}/{pattern.lstrip('/')}" if "/" in pattern.rstrip("/") else f"{prefix}/**/{pattern}"
        anchored.append(("!" if negate else "") + pattern)
    return pathspec.GitIgnoreSpec.from_lines(anchored)


def python_files(root: Path, exclude: Iterable[str] = ()) -> tuple[list[str], list[tuple[str, str]]]:
    """Relative posix paths of the .py files under `root`, and (path, reason) for skipped links."""
    root = root.resolve()
    if root.is_file():
        return [root.name], []
    user = pathspec.GitIgnoreSpec.from_lines(list(exclude))
    specs: list[pathspec.PathSpec] = []
    found: list[str] = []
    skipped: list[tuple[str, str]] = []
    seen: set[Path] = set()

    def ignored(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if user.match_file(probe):
            return True
        result = False
        for spec in specs:
            hit = spec.check_file(probe)
            if hit.include is not None:
                result = hit.include
        return result

    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        directory, depth = stack.pop()
        try:
            real = directory.resolve()
        except (OSError, RuntimeError):
            continue
        if real in seen or depth > 64:
            continue
        seen.add(real)
        if spec := _gitignore(directory, root):
            specs.append(spec)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            skipped.append((directory.relative_to(root).as_posix(), f"unreadable directory: {exc.strerror or exc}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            try:
                outcome = _classify(entry, path, root, seen)
            except (OSError, RuntimeError) as exc:
                outcome = f"cannot be read: {getattr(exc, 'strerror', None) or exc}"
            if outcome == "dir":
                if entry.name in SKIP_DIRS or entry.name.endswith(".egg-info") or _is_venv(path):
                    continue
                if not ignored(rel, True):
                    stack.append((path, depth + 1))
            elif outcome == "file":
                if entry.name.endswith(".py") and not ignored(rel, False):
                    found.append(rel)
            elif (
                outcome
                and (entry.name.endswith(".py") or outcome.startswith(("symlink", "broken", "cannot")))
                and not ignored(rel, False)
            ):
                skipped.append((rel, outcome))
    return sorted(found), skipped


def _classify(entry: os.DirEntry[str], path: Path, root: Path, seen: set[Path]) -> str:
    """ "dir", "file", "" (skip silently) or the reason an entry is skipped."""
    if entry.is_symlink():
        try:
            target = path.resolve(strict=True)
        except RuntimeError:
            return "symlink loop"
        except FileNotFoundError:
            return "broken symlink (its target does not exist)"
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # Python 3.13+ reports a loop this way (40 on Linux, 62 on macOS)
                return "symlink loop"
            raise
        if not target.is_relative_to(root):
            return "symlink points outside the audited root"
        if target.is_dir():
            if path.parent.resolve().is_relative_to(target):
                return "symlink loop (links to a folder that contains it)"
            if target in seen:
                return ""  # an alias of a directory already walked
            return "dir"
        return "file" if target.is_file() else "not a regular file (FIFO, socket or device)"
    if entry.is_dir(follow_symlinks=False):
        return "dir"
    if entry.is_file(follow_symlinks=False):
        return "file"
    return "not a regular file (FIFO, socket or device)"
