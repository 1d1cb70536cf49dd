"""Where session files live, and the one rule about names: they stay inside `.claude/sessions/`.

A name comes from a person on the command line or from a model through MCP, so it is
treated as untrusted: absolute paths, `..` and symlinks that lead out are refused before
any file is opened. The sessions directory itself must also resolve inside the project,
so a `.claude` symlinked elsewhere cannot be used to write outside it.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from llmwright.errors import InvalidInput

SESSIONS_SUBDIR = Path(".claude") / "sessions"
AREAS = ("active", "archive", "reports")
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-")


class OutsideSessions(InvalidInput):
    """A name or path that would reach outside `<project>/.claude/sessions/`."""


def project_dir(explicit: str | os.PathLike[str] | None = None, fallback: str | None = None) -> Path:
    """`--project DIR`, else `$CLAUDE_PROJECT_DIR` (Claude Code sets it), else the project around
    `fallback` or the cwd: the nearest folder up with `.claude/sessions/` or `.git`, as git finds its
    repository, so an agent that `cd`-ed into a subfolder still reports to the project's session.
    """
    chosen = explicit or os.environ.get("CLAUDE_PROJECT_DIR")
    if chosen:
        path = Path(chosen).expanduser()
    else:
        start = Path(fallback).expanduser() if fallback else Path.cwd()
        path = _enclosing_project(start) if start.is_dir() else start
    if not path.is_dir():
        raise InvalidInput(f"project directory {str(path)!r} does not exist; pass --project DIR naming a folder")
    return path.resolve()


def _enclosing_project(start: Path) -> Path:
    try:
        home: Path | None = Path.home()
    except (RuntimeError, KeyError):  # no HOME and no passwd entry
        home = None
    start = start.resolve()
    for folder in (start, *start.parents):
        if folder != home and ((folder / SESSIONS_SUBDIR).is_dir() or (folder / ".git").exists()):
            return folder
    return start


@dataclass(frozen=True)
class SessionsDir:
    """`<project>/.claude/sessions/` with its three areas: active, archive, reports."""

    project: Path
    root: Path

    @classmethod
    def of(cls, project: Path) -> SessionsDir:
        """The project is resolved first: a relative or symlinked path to it names the same sessions."""
        project = Path(project).resolve()
        sessions = cls(project=project, root=project / SESSIONS_SUBDIR)
        sessions._check_root()
        return sessions

    @property
    def active(self) -> Path:
        return self.root / "active"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def ensure(self) -> None:
        """Create the areas (only writers call this: reading an empty project creates nothing)."""
        missing = [self.root / area for area in AREAS if not (self.root / area).is_dir()]
        for folder in missing:
            folder.mkdir(parents=True, exist_ok=True)
        if missing:
            self._check_root()

    def display(self, path: Path) -> str:
        """The path as a person in the project would type it."""
        try:
            return str(path.relative_to(self.project))
        except ValueError:
            return str(path)

    def confine(self, path: Path) -> Path:
        """`path` with symlinks resolved, or `OutsideSessions` if it leads out of the sessions dir."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise OutsideSessions(
                f"{self.display(path)!r} resolves to {resolved}, outside {self.display(self.root)}/; refused"
            )
        return resolved

    def find(self, name: str) -> Path:
        """A session or report named by file name, stem, `AREA/NAME` or an undated slug; confined."""
        area, stem = _split_name(name)
        areas = [area] if area else list(AREAS)
        matches: list[Path] = []
        for candidate_area in areas:
            folder = self.root / candidate_area
            exact = folder / f"{stem}.md"
            if exact.exists() or exact.is_symlink():
                matches = [exact]
                break
            matches += sorted(p for p in folder.glob(f"*-{glob.escape(stem)}.md") if _DATED.match(p.name))
        if not matches:
            raise InvalidInput(f"no session or report named {name!r}; `llmwright session list` shows the names")
        if len(matches) > 1:
            names = ", ".join(f"{p.parent.name}/{p.name}" for p in matches)
            raise InvalidInput(f"{name!r} matches several files ({names}); give the full name")
        return self.confine(matches[0])

    def _check_root(self) -> None:
        """`.claude/sessions` (or `.claude`, before `sessions` exists) must not lead out of the project."""
        for folder in (self.root, self.root.parent):
            if folder.exists() or folder.is_symlink():
                if not folder.resolve().is_relative_to(self.project):
                    raise OutsideSessions(
                        f"{self.display(folder)} resolves to {folder.resolve()}, outside the project {self.project}; "
                        "remove the symlink or pass the right --project"
                    )
                return


def _split_name(name: str) -> tuple[str | None, str]:
    """Validate a caller's name before it touches the file system: no absolute path, no `..`."""
    cleaned = name.strip().replace("\\", "/")
    if not cleaned:
        raise InvalidInput("empty session name; give a name from `llmwright session list`")
    if "\x00" in cleaned:
        raise OutsideSessions("a session name cannot contain NUL bytes")
    parts = PurePosixPath(cleaned).parts
    if cleaned.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", cleaned):
        raise OutsideSessions(f"{name!r} is an absolute path; name a file inside .claude/sessions/ instead")
    if ".." in parts:
        raise OutsideSessions(f"{name!r} contains '..'; name a file inside .claude/sessions/ instead")
    if parts[:2] == (".claude", "sessions"):
        parts = parts[2:]
    area = None
    if len(parts) == 2 and parts[0] in AREAS:
        area, parts = parts[0], parts[1:]
    if len(parts) != 1 or parts[0] in (".", ""):
        raise OutsideSessions(
            f"{name!r} is not a session name; use a file name or AREA/NAME with AREA one of {', '.join(AREAS)}"
        )
    return area, parts[0].removesuffix(".md")
