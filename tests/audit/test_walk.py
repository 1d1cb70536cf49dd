"""Which files an audit reads: .gitignore at every level as git reads it, environments and vendored
code skipped, folders walked once and not without end, and a reason for what cannot be read."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest

from llmwright.audit import AuditRequest, audit
from llmwright.audit.walk import python_files

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and FIFOs")


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def found(root: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    return python_files(root, exclude)[0]


def test_the_root_gitignore_skips_comments_and_blank_lines_and_honours_negation(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            ".gitignore": "# generated code\n\n*_pb2.py\n!keep_pb2.py\nout/\n",
            "app.py": "",
            "api_pb2.py": "",
            "keep_pb2.py": "",
            "out/build.py": "",
            "src/deep_pb2.py": "",
        },
    )
    assert found(tmp_path) == ["app.py", "keep_pb2.py"]


def test_a_nested_gitignore_applies_below_its_own_folder_only(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "svc/.gitignore": "# kept: the line below is a comment, not a file name\n#draft.py\n"
            "*_gen.py\n/local.py\ncache/\n",
            "svc/#draft.py": "",
            "svc/a_gen.py": "",
            "svc/inner/b_gen.py": "",
            "svc/local.py": "",
            "svc/inner/local.py": "",  # `/local.py` is anchored to svc/
            "svc/cache/c.py": "",
            "svc/inner/cache/d.py": "",
            "top_gen.py": "",  # above the nested .gitignore
            "local.py": "",
        },
    )
    assert found(tmp_path) == ["local.py", "svc/#draft.py", "svc/inner/local.py", "top_gen.py"]


def test_a_pattern_for_folders_only_does_not_hide_a_file_of_that_name(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "legacy.py/\ngone.py/\n", "legacy.py": "", "pkg/legacy.py/old.py": ""})
    (tmp_path / "gone.py").symlink_to(tmp_path / "deleted.py")  # a broken link is still named
    files, skipped = python_files(tmp_path)
    assert files == ["legacy.py"]
    assert [path for path, _ in skipped] == ["gone.py"]


def test_a_file_in_an_ignored_folder_cannot_be_let_back_in(tmp_path: Path) -> None:
    """As git: "It is not possible to re-include a file if a parent directory of that file is excluded."""
    tree(tmp_path, {".gitignore": "out/\n!out/keep.py\n", "out/keep.py": "", "app.py": ""})
    assert found(tmp_path) == ["app.py"]


def test_exclude_patterns_apply_with_the_gitignore(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "*_pb2.py\n", "app.py": "", "api_pb2.py": "", "migrations/0001.py": ""})
    assert found(tmp_path, ("migrations/",)) == ["app.py"]


def test_environments_vendored_code_and_egg_info_are_skipped_and_the_rest_is_read(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            ".venv/lib/a.py": "",
            "node_modules/b.py": "",
            "pkg.egg-info/c.py": "",
            "myenv/pyvenv.cfg": "",
            "myenv/lib/d.py": "",
            "condaenv/conda-meta/history": "",
            "condaenv/e.py": "",
            "envelopes/f.py": "",  # only named like an environment
            "zz.py": "",
        },
    )
    assert found(tmp_path) == ["envelopes/f.py", "zz.py"]


def test_folders_are_read_64_levels_deep_and_no_deeper(tmp_path: Path) -> None:
    deep = tmp_path
    for level in range(1, 66):
        deep = deep / "d"
        deep.mkdir()
        (deep / f"at_{level}.py").write_text("")
    names = [Path(rel).name for rel in found(tmp_path)]
    assert names[-1] == "at_64.py" and len(names) == 64


@POSIX
def test_a_folder_linked_twice_is_read_once_and_the_walk_goes_on(tmp_path: Path) -> None:
    tree(tmp_path, {"a_other/x.py": "", "b_real/y.py": "", "c_more/z.py": ""})
    (tmp_path / "zz_link").symlink_to(tmp_path / "b_real")  # walked first, then its target is seen again
    (tmp_path / "a_other" / "back").symlink_to(tmp_path / "c_more")  # an alias of a folder not yet walked
    files, skipped = python_files(tmp_path)
    assert [Path(rel).name for rel in files].count("y.py") == 1
    assert [Path(rel).name for rel in files].count("z.py") == 1
    assert "a_other/x.py" in files
    assert skipped == []  # an alias is no problem to report


@POSIX
def test_a_folder_reached_only_through_a_link_is_read(tmp_path: Path) -> None:
    tree(tmp_path, {"vendor/ourlib/core.py": "", "app.py": ""})
    (tmp_path / "ourlib").symlink_to(tmp_path / "vendor" / "ourlib")  # the project links in its own code
    assert found(tmp_path) == ["app.py", "ourlib/core.py"]


@POSIX
def test_what_is_not_python_is_passed_over_silently(tmp_path: Path) -> None:
    tree(tmp_path, {"app.py": ""})
    os.mkfifo(tmp_path / "events")  # not .py: nothing to say
    os.mkfifo(tmp_path / "pipe.py")
    files, skipped = python_files(tmp_path)
    assert files == ["app.py"]
    assert skipped == [("pipe.py", "not a regular file (FIFO, socket or device)")]


@POSIX
def test_a_link_to_a_file_is_read_where_it_lies(tmp_path: Path) -> None:
    tree(tmp_path, {"real/impl.py": ""})
    (tmp_path / "alias.py").symlink_to(tmp_path / "real" / "impl.py")
    (tmp_path / "device.py").symlink_to("/dev/null")
    files, skipped = python_files(tmp_path)
    assert files == ["alias.py", "real/impl.py"]
    assert skipped == [("device.py", "symlink points outside the audited root")]


@POSIX
def test_a_link_loop_reported_as_an_os_error_is_a_loop(tmp_path: Path, monkeypatch) -> None:
    """Python 3.13 and later report a link loop as OSError(ELOOP) rather than RuntimeError."""
    (tmp_path / "ping.py").symlink_to(tmp_path / "pong.py")
    (tmp_path / "pong.py").symlink_to(tmp_path / "ping.py")
    resolve = Path.resolve

    def as_313_does(self: Path, strict: bool = False) -> Path:
        try:
            return resolve(self, strict=strict)
        except RuntimeError as exc:
            raise OSError(errno.ELOOP, "Too many levels of symbolic links", str(self)) from exc

    monkeypatch.setattr(Path, "resolve", as_313_does)
    assert python_files(tmp_path)[1] == [("ping.py", "symlink loop"), ("pong.py", "symlink loop")]


@POSIX
def test_what_the_system_refuses_to_read_is_a_note_and_the_walk_goes_on(tmp_path: Path, monkeypatch) -> None:
    """As a user who is not root sees folders and links it may not read, and folders that turn into
    link loops while the audit runs (simulated: tests may run as root). Folders are walked last
    name first, so each refusal comes before folders still to walk."""
    tree(
        tmp_path,
        {
            "a_after/ok.py": "",
            "app.py": "",
            "racy_a/x.py": "",
            "racy_b/y.py": "",
            "zz/last.py": "",
            "zzz_private/hidden.py": "",
        },
    )
    (tmp_path / "locked.py").symlink_to(tmp_path / "zzz_private" / "hidden.py")
    scandir, resolve, is_file = os.scandir, Path.resolve, Path.is_file

    def refusing_scandir(path):
        if Path(path).name == "zzz_private":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return scandir(path)

    def refusing_is_file(self: Path) -> bool:
        if self.parent.name == "zzz_private":  # stat inside a folder one may not search
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return is_file(self)

    def refusing_resolve(self: Path, strict: bool = False) -> Path:
        if strict and self.name == "locked.py":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        if self.name == "racy_b":
            raise RuntimeError(f"Symlink loop from {self}")
        if self.name == "racy_a":
            raise OSError(errno.ELOOP, "Too many levels of symbolic links", str(self))
        return resolve(self, strict=strict)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    monkeypatch.setattr(Path, "is_file", refusing_is_file)
    monkeypatch.setattr(Path, "resolve", refusing_resolve)
    files, skipped = python_files(tmp_path)
    assert files == ["a_after/ok.py", "app.py", "zz/last.py"]
    assert sorted(skipped) == [
        ("locked.py", "cannot be read: Permission denied"),
        ("zzz_private", "unreadable directory: Permission denied"),
    ]


def test_an_audit_reads_the_files_the_walk_finds(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            ".gitignore": "generated/\n",
            "app.py": "from openai import OpenAI\nclient = OpenAI()\n",
            "generated/client.py": "from openai import OpenAI\nclient = OpenAI()\n",
        },
    )
    report = audit(AuditRequest(path=str(tmp_path)))
    assert report.files_analyzed == 1 and {f.path for f in report.findings} == {"app.py"}
